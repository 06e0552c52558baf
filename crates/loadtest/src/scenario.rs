//! Setting up bots, delivering updates, and matching replies to deliveries.

use crate::report::Report;
use crate::server::Server;
use crate::{Db, Delivery, Options, Scenario};
use bazar_domain::BotToken;
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{DatabaseOptions, NewBot, PlatformScope, Store};
use bazar_testkit::telegram::updates::{self, FakeUser};
use bazar_testkit::telegram::{FakeOptions, FakeTelegram};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One registered bot.
struct LoadBot {
    telegram_id: i64,
}

/// One update to deliver, and what it expects back.
struct Delivery1 {
    bot: usize,
    user: FakeUser,
    update: Value,
    /// How many messages the chat has received when this update's reply is in.
    expect: usize,
}

pub async fn run(o: Options, platform: PlatformScope) -> Result<(), String> {
    let fake = FakeTelegram::start_with(FakeOptions { rate_limits: o.telegram_limits, ..FakeOptions::default() }).await;
    let _tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut db = match o.db {
        Db::Sqlite => DatabaseOptions::new(format!("sqlite://{}", _tmp.path().join("bazar.db").display())),
        Db::Postgres => {
            let cluster = bazar_testkit::postgres::PgCluster::shared().ok_or("PostgreSQL is not installed")?;
            let pg = cluster.create_database();
            let mut options = DatabaseOptions::new(pg.app_url);
            options.migration_url = Some(pg.owner_url);
            options
        }
    };
    db.max_connections = 16;
    let key = MasterKey::generate().to_base64();
    let keyring = || Keyring::new(MasterKey::parse(&key).expect("key"), vec![]);

    let started = Instant::now();
    let store = Store::open(&db, keyring()).await.map_err(|e| e.to_string())?;
    let mut bots = Vec::with_capacity(o.bots);
    for i in 0..o.bots {
        let telegram_id = 1_000_000 + i as i64;
        let token = BotToken::parse(&fake.add_bot(telegram_id, &format!("load{i}_bot"))).map_err(|e| e.to_string())?;
        let new = NewBot {
            token,
            name: format!("Load shop {i}"),
            username: Some(format!("load{i}_bot")),
            is_master: false,
            admins: vec![],
            owner: None,
        };
        store.platform(&platform).add_bot(new).await.map_err(|e| e.to_string())?;
        bots.push(LoadBot { telegram_id });
    }
    store.database().close().await;
    println!("registered {} bots in {:.2}s", bots.len(), started.elapsed().as_secs_f64());

    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let mut env = vec![
        ("BAZAR_DATABASE_URL".to_owned(), db.url.clone()),
        ("BAZAR_MASTER_KEY".to_owned(), key.clone()),
        ("BAZAR_LISTEN".to_owned(), format!("127.0.0.1:{port}")),
        ("BAZAR_TELEGRAM_API_URL".to_owned(), fake.url()),
        (
            "BAZAR_DATABASE_MAX_CONNECTIONS".to_owned(),
            std::env::var("LOAD_DB_CONNECTIONS").unwrap_or_else(|_| "8".to_owned()),
        ),
    ];
    if let Some(m) = &db.migration_url {
        env.push(("BAZAR_DATABASE_MIGRATION_URL".to_owned(), m.clone()));
    }
    if o.mode == Delivery::Webhook {
        env.push(("BAZAR_PUBLIC_URL".to_owned(), format!("http://127.0.0.1:{port}")));
    }
    let (server, ready) = Server::start(&o.bazar, &env, port).await?;
    println!("server healthy {:.0} ms after start", ready.as_secs_f64() * 1000.0);
    if o.mode == Delivery::Webhook {
        let t = Instant::now();
        while bots.iter().any(|b| fake.webhook_url(b.telegram_id).is_none()) {
            if t.elapsed() > Duration::from_secs(120) {
                return Err("webhooks were not all registered within 120 s".into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        println!(
            "all {} webhooks registered {:.0} ms after start",
            bots.len(),
            (ready + t.elapsed()).as_secs_f64() * 1000.0
        );
    }
    if o.scenario == Scenario::Idle {
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (peak, now) = server.rss_kb();
        println!(
            "idle RSS {:.1} MB (peak {:.1} MB) with {} bots",
            now as f64 / 1024.0,
            peak as f64 / 1024.0,
            bots.len()
        );
        server.stop();
        // A restart: webhooks already registered are not registered again.
        let set_before = fake.calls_of("setwebhook").len();
        let (server, ready) = Server::start(&o.bazar, &env, port).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let set_again = fake.calls_of("setwebhook").len() - set_before;
        let (peak, now) = server.rss_kb();
        println!(
            "restart: healthy {:.0} ms after start, {set_again} setWebhook calls, idle RSS {:.1} MB (peak {:.1} MB)",
            ready.as_secs_f64() * 1000.0,
            now as f64 / 1024.0,
            peak as f64 / 1024.0
        );
        server.stop();
        return Ok(());
    }

    let users: Vec<FakeUser> = (0..o.users).map(|u| FakeUser::new(50_000_000 + u as i64, "Load")).collect();
    let starts = |expect: usize| -> Vec<Delivery1> {
        let mut list = Vec::with_capacity(o.bots * o.users);
        for user in &users {
            for bot in 0..bots.len() {
                list.push(Delivery1 {
                    bot,
                    user: user.clone(),
                    update: updates::command(user, "/start", None),
                    expect,
                });
            }
        }
        list
    };

    let measured = match o.scenario {
        Scenario::Start => starts(1),
        Scenario::Press => {
            let warmup = starts(1);
            deliver(&o, &fake, &bots, warmup).await;
            wait_all(&fake, &bots, &users, 1, Duration::from_secs(o.drain_secs)).await;
            // Telegram allows one message per chat per second: let the warm-up replies age.
            tokio::time::sleep(Duration::from_millis(1200)).await;
            let mut presses = Vec::with_capacity(o.bots * o.users);
            for user in &users {
                for (i, bot) in bots.iter().enumerate() {
                    let menu = fake.sent_to(bot.telegram_id, user.id).into_iter().next().ok_or("no warm-up reply")?;
                    let data = menu
                        .reply_markup
                        .as_ref()
                        .and_then(|m| m.pointer("/inline_keyboard/0/0/callback_data"))
                        .and_then(Value::as_str)
                        .ok_or("no button")?
                        .to_owned();
                    presses.push(Delivery1 {
                        bot: i,
                        user: user.clone(),
                        update: updates::callback(user, menu.message_id, &data),
                        expect: 2,
                    });
                }
            }
            presses
        }
        Scenario::Idle | Scenario::Broadcast => unreachable!(),
    };
    let total = measured.len();
    let expects: HashMap<(usize, i64), usize> = measured.iter().map(|d| ((d.bot, d.user.id), d.expect)).collect();
    let cpu_before = server.cpu_time();
    let t0s = deliver(&o, &fake, &bots, measured).await;
    let expect = *expects.values().next().unwrap_or(&1);
    wait_all(&fake, &bots, &users, expect, Duration::from_secs(o.drain_secs)).await;

    let mut report = Report { delivered: total, ..Report::default() };
    let first = t0s.values().min().copied().unwrap_or_else(Instant::now);
    let mut last = first;
    for ((bot, chat), t0) in &t0s {
        let sent = fake.sent_to(bots[*bot].telegram_id, *chat);
        let want = expects[&(*bot, *chat)];
        match sent.get(want - 1) {
            Some(reply) => {
                report.latencies.push(reply.at.saturating_duration_since(*t0));
                last = last.max(reply.at);
            }
            None => report.unanswered += 1,
        }
        if sent.len() > want {
            report.duplicated += 1;
        }
    }
    report.wall = last.saturating_duration_since(first);
    report.too_many_requests = fake.too_many_requests();
    report.server_cpu = server.cpu_time().saturating_sub(cpu_before);
    (report.peak_rss_kb, report.rss_kb) = server.rss_kb();
    report.print(&format!(
        "{:?} x{} over {:?}, {} bots x {} users, {:?}, rate {}, Telegram limits {}",
        o.scenario,
        total,
        o.mode,
        o.bots,
        o.users,
        o.db,
        if o.rate == 0 { "max".to_owned() } else { format!("{}/s", o.rate) },
        if o.telegram_limits { "on" } else { "off" }
    ));
    server.stop();
    Ok(())
}

/// Hands every update to the fake Telegram, which delivers it the way Telegram
/// does (webhook POSTs with the secret, or `getUpdates`); returns the hand-over
/// time per (bot, chat). With `--rate`, updates are spread evenly.
async fn deliver(
    o: &Options,
    fake: &FakeTelegram,
    bots: &[LoadBot],
    list: Vec<Delivery1>,
) -> HashMap<(usize, i64), Instant> {
    let mut t0s = HashMap::with_capacity(list.len());
    let pace = (o.rate > 0).then(|| Duration::from_secs_f64(1.0 / o.rate as f64));
    let begun = Instant::now();
    for (i, d) in list.into_iter().enumerate() {
        if let Some(pace) = pace {
            tokio::time::sleep_until((begun + pace * i as u32).into()).await;
        }
        t0s.insert((d.bot, d.user.id), Instant::now());
        fake.push_update(bots[d.bot].telegram_id, d.update);
    }
    t0s
}

/// Waits until every chat has `count` messages, or the deadline.
async fn wait_all(fake: &FakeTelegram, bots: &[LoadBot], users: &[FakeUser], count: usize, limit: Duration) {
    let deadline = Instant::now() + limit;
    let total = bots.len() * users.len() * count;
    while Instant::now() < deadline {
        if fake.sent_count() >= total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}
