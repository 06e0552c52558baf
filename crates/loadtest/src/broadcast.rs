//! The broadcast scenario: `--bots` tenants with `--users` customers each
//! (written straight into the fresh database), one broadcast to all customers
//! per tenant confirmed before the server starts, then the release `bazar
//! serve` sends them all at once against the fake Telegram with its limits on.
//!
//! Prints, per tenant and in total, the sustained rate against Telegram's
//! per-bot limit (30/s), 429 answers, customers who got the message twice or
//! not at all, the gaps between deliveries, the latency of interactive
//! `/start` probes sent to tenant 0 during the broadcast (replies must not
//! starve), and the server's memory. With `--kill-at F` the server is killed
//! with SIGKILL once a fraction F of the messages is out, and started again:
//! the broadcast must resume and nobody may get it twice.

use crate::server::Server;
use crate::{Db, Options};
use bazar_domain::{BotId, BotToken, Language, TelegramUserId};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{
    Audience, BroadcastButton, BroadcastMessage, DatabaseOptions, NewBot, NewBroadcast, PlatformScope, Store,
};
use bazar_testkit::telegram::updates::{self, FakeUser};
use bazar_testkit::telegram::{FakeOptions, FakeTelegram, SentMessage};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The admin of every tenant (gets the progress message and the report).
const ADMIN: i64 = 900_000_001;
/// Telegram ids of the customers of every tenant start here.
const FIRST: i64 = 60_000_000;
/// Probe users (interactive `/start` during the broadcast) start here.
const PROBE: i64 = 70_000_000;
/// The broadcast's text.
const TEXT: &str = "📣 Load broadcast: new plans are here!";
/// Telegram's per-bot limit the rate is measured against.
const LIMIT: f64 = 30.0;

/// Runs the scenario.
pub async fn run(o: Options, platform: PlatformScope) -> Result<(), String> {
    let fake = FakeTelegram::start_with(FakeOptions { rate_limits: o.telegram_limits, ..FakeOptions::default() }).await;
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (mut db, inspect_url) = match o.db {
        Db::Sqlite => {
            let url = format!("sqlite://{}", tmp.path().join("bazar.db").display());
            (DatabaseOptions::new(url.clone()), url)
        }
        Db::Postgres => {
            let cluster = bazar_testkit::postgres::PgCluster::shared().ok_or("PostgreSQL is not installed")?;
            let pg = cluster.create_database();
            let mut options = DatabaseOptions::new(pg.app_url);
            options.migration_url = Some(pg.owner_url);
            (options, pg.superuser_url)
        }
    };
    db.max_connections = 16;
    let key = MasterKey::generate().to_base64();
    let keyring = Keyring::new(MasterKey::parse(&key).map_err(|e| e.to_string())?, vec![]);

    let started = Instant::now();
    let store = Store::open(&db, keyring).await.map_err(|e| e.to_string())?;
    let mut bots = Vec::with_capacity(o.bots);
    for i in 0..o.bots {
        let telegram_id = 2_000_000 + i as i64;
        let token = BotToken::parse(&fake.add_bot(telegram_id, &format!("cast{i}_bot"))).map_err(|e| e.to_string())?;
        let new = NewBot {
            token,
            name: format!("Broadcast shop {i}"),
            username: Some(format!("cast{i}_bot")),
            is_master: false,
            admins: vec![TelegramUserId::from_raw(ADMIN)],
            owner: None,
        };
        let (record, _) = store.platform(&platform).add_bot(new).await.map_err(|e| e.to_string())?;
        bots.push((record.id, telegram_id));
    }
    add_customers(&inspect_url, &bots, o.users as i64).await?;
    for (bot_id, _) in &bots {
        start_broadcast(&store, &platform, *bot_id).await?;
    }
    store.database().close().await;
    let total = o.bots * o.users;
    println!(
        "{} bots x {} customers, {} broadcasts confirmed in {:.1}s",
        o.bots,
        o.users,
        bots.len(),
        started.elapsed().as_secs_f64()
    );

    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let mut env = vec![
        ("BAZAR_DATABASE_URL".to_owned(), db.url.clone()),
        ("BAZAR_MASTER_KEY".to_owned(), key.clone()),
        ("BAZAR_LISTEN".to_owned(), format!("127.0.0.1:{port}")),
        ("BAZAR_TELEGRAM_API_URL".to_owned(), fake.url()),
        ("BAZAR_PUBLIC_URL".to_owned(), format!("http://127.0.0.1:{port}")),
    ];
    if let Some(m) = &db.migration_url {
        env.push(("BAZAR_DATABASE_MIGRATION_URL".to_owned(), m.clone()));
    }
    let (mut server, _) = Server::start(&o.bazar, &env, port).await?;
    let began = Instant::now();
    let probe_tg = bots[0].1;
    while fake.webhook_url(probe_tg).is_none() {
        if began.elapsed() > Duration::from_secs(60) {
            return Err("the first bot has no webhook after 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let mut probes: Vec<(i64, Instant)> = Vec::new();
    let mut next_probe = Instant::now() + Duration::from_secs(2);
    let mut killed: Option<(Instant, usize, u64)> = None;
    let mut restarted: Option<Instant> = None;
    let mut peak_rss_kb = 0;
    let mut last_print = Instant::now();
    let deadline = Instant::now() + Duration::from_secs_f64(o.users as f64 / 25.0 + 180.0);
    loop {
        let done = bots.iter().filter(|(_, tg)| reported(&fake, *tg)).count();
        if done == bots.len() {
            break;
        }
        if Instant::now() > deadline {
            println!("deadline passed with {done}/{} broadcasts reported", bots.len());
            break;
        }
        let delivered = delivered_count(&fake);
        if Instant::now() >= next_probe && probes.len() < 10_000 {
            let user = FakeUser::new(PROBE + probes.len() as i64, "Probe").with_language("en");
            probes.push((user.id, Instant::now()));
            fake.push_update(probe_tg, updates::command(&user, "/start", None));
            next_probe += Duration::from_secs(2);
        }
        if let Some(fraction) = o.kill_at
            && killed.is_none()
            && delivered as f64 >= fraction * total as f64
        {
            peak_rss_kb = peak_rss_kb.max(server.rss_kb().0);
            let at = Instant::now();
            server.kill();
            let at_kill = delivered_count(&fake);
            println!("SIGKILL after {at_kill} deliveries ({:.0}s in); restarting", began.elapsed().as_secs_f64());
            killed = Some((at, at_kill, fake.too_many_requests()));
            server = Server::start(&o.bazar, &env, port).await?.0;
            restarted = Some(Instant::now());
        }
        if last_print.elapsed() >= Duration::from_secs(30) {
            println!("  … {delivered}/{total} delivered after {:.0}s", began.elapsed().as_secs_f64());
            last_print = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    peak_rss_kb = peak_rss_kb.max(server.rss_kb().0);
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Per tenant: deliveries, duplicates, misses, sustained rate, gaps.
    println!(
        "== broadcast: {} bots x {} customers, {:?}, Telegram limits {}",
        o.bots, o.users, o.db, o.telegram_limits
    );
    let mut rates = Vec::new();
    let mut gaps_all = Vec::new();
    let (mut twice, mut missing, mut sent_all) = (0usize, 0usize, 0usize);
    for (i, (_, tg)) in bots.iter().enumerate() {
        let messages: Vec<SentMessage> = deliveries(&fake, *tg);
        let mut per_chat: HashMap<i64, usize> = HashMap::new();
        let mut times: Vec<Instant> = Vec::new();
        for m in &messages {
            *per_chat.entry(m.chat_id).or_default() += 1;
            times.push(m.at);
        }
        twice += per_chat.values().filter(|c| **c > 1).count();
        missing += o.users - per_chat.len();
        sent_all += messages.len();
        times.sort();
        let rate = steady_rate(&times, killed.map(|k| k.0), restarted);
        let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
        if i < 10 || i == bots.len() - 1 {
            println!(
                "bot {i:>3}: {:>6} delivered, sustained {:.2} msg/s = {:.1}% of {LIMIT}/s, largest gap {:.0} ms",
                messages.len(),
                rate,
                rate / LIMIT * 100.0,
                gaps.iter().max().copied().unwrap_or_default().as_secs_f64() * 1000.0
            );
        }
        rates.push(rate);
        gaps_all.extend(gaps);
    }
    gaps_all.sort();
    rates.sort_by(f64::total_cmp);
    let statuses = delivery_statuses(&inspect_url).await?;
    println!("customers targeted      {total}");
    println!("messages delivered      {sent_all}");
    println!("customers got it twice  {twice}");
    println!("customers without it    {missing}");
    println!("delivery rows by status {statuses}");
    println!(
        "sustained rate per bot  min {:.2} / median {:.2} / max {:.2} msg/s (limit {LIMIT}/s: min {:.1}%)",
        rates.first().copied().unwrap_or(0.0),
        rates.get(rates.len() / 2).copied().unwrap_or(0.0),
        rates.last().copied().unwrap_or(0.0),
        rates.first().copied().unwrap_or(0.0) / LIMIT * 100.0
    );
    println!("aggregate rate          {:.1} msg/s over {} bots", rates.iter().sum::<f64>(), bots.len());
    println!(
        "gap between deliveries  p50 {:.1} ms / p99 {:.1} ms (per bot)",
        percentile(&gaps_all, 50.0).as_secs_f64() * 1000.0,
        percentile(&gaps_all, 99.0).as_secs_f64() * 1000.0
    );
    println!("429 from Telegram       {}", fake.too_many_requests());
    if let (Some((at, at_kill, too_many_before)), Some(restart)) = (killed, restarted) {
        let resumed = deliveries(&fake, probe_tg)
            .iter()
            .map(|m| m.at)
            .filter(|t| *t > restart)
            .min()
            .map(|t| t.saturating_duration_since(at));
        println!(
            "kill -9                 at {at_kill} delivered; first delivery after restart {:.1}s after the kill; 429 before kill {too_many_before}",
            resumed.unwrap_or_default().as_secs_f64()
        );
    }
    let mut latencies: Vec<Duration> = probes
        .iter()
        .filter_map(|(chat, t0)| fake.sent_to(probe_tg, *chat).first().map(|m| m.at.saturating_duration_since(*t0)))
        .collect();
    latencies.sort();
    println!(
        "interactive /start during the broadcast: {} probes, {} answered, p50 {:.0} ms / p99 {:.0} ms / max {:.0} ms",
        probes.len(),
        latencies.len(),
        percentile(&latencies, 50.0).as_secs_f64() * 1000.0,
        percentile(&latencies, 99.0).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    println!("server peak RSS         {:.1} MB", peak_rss_kb as f64 / 1024.0);
    server.stop();
    drop(tmp);
    Ok(())
}

/// Messages per second between the 2nd and 98th percentile of delivery times
/// (ramp-up and the tail excluded); with a kill, the restart's pause is left out.
fn steady_rate(times: &[Instant], killed: Option<Instant>, restarted: Option<Instant>) -> f64 {
    if times.len() < 10 {
        return 0.0;
    }
    let lo = times.len() * 2 / 100;
    let hi = times.len() * 98 / 100;
    let (from, to) = (times[lo], times[hi]);
    let mut span = to.saturating_duration_since(from);
    if let (Some(kill), Some(_)) = (killed, restarted) {
        // The pause: from the last delivery before the kill to the first after it.
        let before = times.iter().filter(|t| **t <= kill).max();
        let after = times.iter().filter(|t| **t > kill).min();
        if let (Some(b), Some(a)) = (before, after)
            && *b >= from
            && *a <= to
        {
            span = span.saturating_sub(a.saturating_duration_since(*b));
        }
    }
    if span.is_zero() { 0.0 } else { (hi - lo) as f64 / span.as_secs_f64() }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Messages delivered so far, all bots (broadcasts, plus the few progress and probe messages).
fn delivered_count(fake: &FakeTelegram) -> usize {
    fake.sent_count()
}

/// Whether the tenant's admin got the final report.
fn reported(fake: &FakeTelegram, tg: i64) -> bool {
    fake.sent_to(tg, ADMIN).iter().any(|m| m.text.as_deref().unwrap_or_default().contains("finished"))
}

/// The broadcast messages bot `tg` delivered to its customers.
fn deliveries(fake: &FakeTelegram, tg: i64) -> Vec<SentMessage> {
    fake.sent(tg).into_iter().filter(|m| m.chat_id >= FIRST && m.chat_id < PROBE).collect()
}

/// Writes `users` customers per bot straight into the database (one transaction).
async fn add_customers(url: &str, bots: &[(BotId, i64)], users: i64) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    sqlx::query("BEGIN").execute(&mut conn).await.map_err(|e| e.to_string())?;
    for (bot_id, _) in bots {
        for chunk in (0..users).collect::<Vec<_>>().chunks(1000) {
            let rows: Vec<String> = chunk
                .iter()
                .map(|i| format!("({}, {}, 'Customer {i}', 'en', FALSE, 1, 1)", bot_id.get(), FIRST + i))
                .collect();
            let sql = format!(
                "INSERT INTO customers (bot_id, telegram_id, first_name, language, banned, created_at, last_seen_at) \
                 VALUES {}",
                rows.join(", ")
            );
            sqlx::query(&sql).execute(&mut conn).await.map_err(|e| e.to_string())?;
        }
    }
    sqlx::query("COMMIT").execute(&mut conn).await.map_err(|e| e.to_string())?;
    let _ = sqlx::Connection::close(conn).await;
    println!("{} customers written in {:.1}s", bots.len() as i64 * users, started.elapsed().as_secs_f64());
    Ok(())
}

/// Composes and confirms one broadcast to all of the tenant's customers, as the admin menu does.
async fn start_broadcast(store: &Store, platform: &PlatformScope, bot_id: BotId) -> Result<(), String> {
    let scope = store.platform(platform).tenant(bot_id).await.map_err(|e| e.to_string())?;
    let mut tx = store.tenant(&scope).begin().await.map_err(|e| e.to_string())?;
    let new = NewBroadcast {
        created_by: TelegramUserId::from_raw(ADMIN),
        admin_chat_id: ADMIN,
        language: Language::En,
        message: BroadcastMessage {
            text: Some(TEXT.to_owned()),
            photo_file_id: None,
            button: Some(BroadcastButton { label: "Open the shop".into(), url: "https://shop.example.com".into() }),
        },
    };
    let draft = tx.create_broadcast(&new).await.map_err(|e| e.to_string())?;
    tx.start_broadcast(draft.id, Audience::All).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

/// `status=count` of every delivery row, all tenants.
async fn delivery_statuses(url: &str) -> Result<String, String> {
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.map_err(|e| e.to_string())?;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM broadcast_deliveries GROUP BY status ORDER BY status")
            .fetch_all(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
    let _ = sqlx::Connection::close(conn).await;
    Ok(rows.iter().map(|(s, n)| format!("{s}={n}")).collect::<Vec<_>>().join(" "))
}
