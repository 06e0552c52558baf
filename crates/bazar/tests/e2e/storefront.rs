//! The storefront end to end: the real `bazar serve`, the fake Telegram, and a
//! fake VPN panel of each kind. Buy with the wallet, double taps, a panel that
//! fails and recovers, a panel down for good (refund), the free trial.

use crate::helpers;

use bazar_testkit::panels::{FakeHiddify, FakeMarzban, FakeMarzneshin, FakePasarGuard, FakeRemnawave, FakeXui};
use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{button, press};
use serde_json::Value;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);
const TG: i64 = 8801;

enum Panel {
    Remnawave(FakeRemnawave),
    Marzban(FakeMarzban),
    Xui(FakeXui),
    PasarGuard(FakePasarGuard),
    Marzneshin(FakeMarzneshin),
    Hiddify(FakeHiddify),
}

impl Panel {
    fn users(&self) -> Vec<Value> {
        match self {
            Panel::Remnawave(p) => p.users(),
            Panel::Marzban(p) => p.users(),
            Panel::PasarGuard(p) => p.users(),
            Panel::Marzneshin(p) => p.users(),
            // Hiddify names a user `name`.
            Panel::Hiddify(p) => p
                .users()
                .into_iter()
                .map(|mut u| {
                    u["username"] = u["name"].clone();
                    u
                })
                .collect(),
            // The fake's own client is not a user of ours.
            Panel::Xui(p) => p
                .emails()
                .into_iter()
                .filter(|e| e != "first-client")
                .map(|e| {
                    let mut client = p.client(&e).unwrap().1;
                    client["username"] = Value::String(e);
                    client
                })
                .collect(),
        }
    }
    fn fail_next(&self, times: usize, status: u16) {
        match self {
            Panel::Remnawave(p) => p.fail_next(times, status),
            Panel::Marzban(p) => p.fail_next(times, status),
            Panel::Xui(p) => p.fail_next(times, status),
            Panel::PasarGuard(p) => p.fail_next(times, status),
            Panel::Marzneshin(p) => p.fail_next(times, status),
            Panel::Hiddify(p) => p.fail_next(times, status),
        }
    }
    fn set_used_traffic(&self, username: &str, bytes: u64) {
        match self {
            Panel::Remnawave(p) => p.set_used_traffic(username, bytes),
            Panel::Marzban(p) => p.set_used_traffic(username, bytes),
            Panel::Xui(p) => p.set_traffic(username, 0, bytes),
            Panel::PasarGuard(p) => p.set_used_traffic(username, bytes),
            Panel::Marzneshin(p) => p.set_used_traffic(username, bytes),
            Panel::Hiddify(p) => p.set_used_traffic(username, bytes),
        }
    }
    fn set_down(&self, down: bool) {
        match self {
            Panel::Remnawave(p) => p.set_down(down),
            Panel::Marzban(p) => p.set_down(down),
            Panel::Xui(p) => p.set_down(down),
            Panel::PasarGuard(p) => p.set_down(down),
            Panel::Marzneshin(p) => p.set_down(down),
            Panel::Hiddify(p) => p.set_down(down),
        }
    }
}

async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn shop(p: Platform, panel: Panel) {
    let token = p.telegram.add_bot(TG, "vpn_shop_bot");
    let id = add_bot(&p, &token, &[]).await;
    let panel_args: Vec<String> = match &panel {
        Panel::Remnawave(f) => {
            vec!["--kind".into(), "remnawave".into(), "--url".into(), f.url(), "--token".into(), f.token()]
        }
        Panel::Marzban(f) => {
            let (user, pass) = f.admin_credentials();
            vec![
                "--kind".into(),
                "marzban".into(),
                "--url".into(),
                f.url(),
                "--username".into(),
                user,
                "--password".into(),
                pass,
            ]
        }
        Panel::Marzneshin(f) => {
            let (user, pass) = f.admin_credentials();
            let kind = ["--kind".to_owned(), "marzneshin".to_owned(), "--url".to_owned(), f.url()];
            [kind, ["--username".to_owned(), user, "--password".to_owned(), pass]].concat()
        }
        Panel::PasarGuard(f) => {
            let (user, pass) = f.admin_credentials();
            let kind = ["--kind".to_owned(), "pasarguard".to_owned(), "--url".to_owned(), f.url()];
            [kind, ["--username".to_owned(), user, "--password".to_owned(), pass]].concat()
        }
        Panel::Hiddify(f) => {
            let key = format!("api_key={}", f.api_key());
            let path = format!("client_path={}", f.client_path());
            let kind = ["--kind", "hiddify", "--url", &f.url(), "--credential", &key, "--credential", &path];
            kind.iter().map(|a| a.to_string()).collect()
        }
        Panel::Xui(f) => {
            let (user, pass) = f.admin_credentials();
            let kind = ["--kind".to_owned(), "3x-ui".to_owned(), "--url".to_owned(), f.url()];
            // v3.1+ takes its API token; older panels an admin login.
            let credentials = match f.api_token() {
                Some(token) => vec!["--credential".to_owned(), format!("token={token}")],
                None => {
                    let (user, pass) = (format!("username={user}"), format!("password={pass}"));
                    vec!["--credential".to_owned(), user, "--credential".to_owned(), pass]
                }
            };
            [kind.to_vec(), credentials].concat()
        }
    };
    let mut args: Vec<&str> = vec!["panel", "add", "--name", "main", "--default"];
    args.extend(panel_args.iter().map(String::as_str));
    p.run(&args).await.ok();
    let mut plan_args: Vec<String> = [
        "plan",
        "add",
        &id,
        "--name",
        "Monthly",
        "--days",
        "30",
        "--traffic-gb",
        "50",
        "--devices",
        "2",
        "--price",
        "100000",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let squad = match &panel {
        Panel::Remnawave(f) => Some(f.default_squad()),
        Panel::Marzban(_) | Panel::Xui(_) | Panel::PasarGuard(_) | Panel::Marzneshin(_) | Panel::Hiddify(_) => None,
    };
    // Without the panel options its kind needs, a plan is refused, saying what the panel has.
    let refused = p.run(&plan_args.iter().map(String::as_str).collect::<Vec<_>>()).await;
    match &panel {
        Panel::Remnawave(_) => refused.fails_with("needs its internal squads: `--option squads=…`"),
        Panel::Marzban(_) => refused.fails_with("`--option inbounds=all` for every one"),
        Panel::Xui(_) => {
            refused.fails_with("a plan on a 3x-ui panel needs its inbounds: `--option inbounds=…`, one of them")
        }
        Panel::PasarGuard(_) => {
            refused.fails_with("a plan on a pasarguard panel needs its groups: `--option groups=all`")
        }
        Panel::Marzneshin(_) => {
            refused.fails_with("a plan on a marzneshin panel needs its services: `--option services=all`")
        }
        // Plans choose nothing on Hiddify: the plan is made as it is.
        Panel::Hiddify(_) => refused.ok(),
    };
    if let Panel::Xui(_) = &panel {
        let all = p
            .run(&[&plan_args.iter().map(String::as_str).collect::<Vec<_>>()[..], &["--inbounds", "all"]].concat())
            .await;
        all.fails_with("`all` is not a choice for inbounds");
        let ss = p
            .run(&[&plan_args.iter().map(String::as_str).collect::<Vec<_>>()[..], &["--option", "inbounds=4"]].concat())
            .await;
        ss.fails_with("is shadowsocks, which Bazar cannot add clients to yet");
    }
    match (&squad, &panel) {
        (Some(squad), _) => plan_args.extend(["--squad".to_owned(), squad.clone()]),
        // The empty VMess inbound: the panel's own client is in the first one.
        (None, Panel::Xui(_)) => plan_args.extend(["--option".to_owned(), "inbounds=2".to_owned()]),
        (None, Panel::PasarGuard(_)) => plan_args.extend(["--option".to_owned(), "groups=all".to_owned()]),
        (None, Panel::Marzneshin(_)) => plan_args.extend(["--option".to_owned(), "services=1".to_owned()]),
        (None, Panel::Hiddify(_)) => {}
        (None, _) => plan_args.extend(["--inbounds".to_owned(), "all".to_owned()]),
    }
    if !matches!(panel, Panel::Hiddify(_)) {
        p.run(&plan_args.iter().map(String::as_str).collect::<Vec<_>>()).await.ok();
    }
    let bad = p.run(&["plan", "add", &id, "--name", "Bad", "--days", "1", "--price", "1", "--squad", "nope"]).await;
    match &panel {
        Panel::Remnawave(_) => bad.fails_with("internal squad `nope` is not a UUID"),
        Panel::Marzban(_) => bad.fails_with("a marzban panel has no option `squads`; its options: inbounds, flow"),
        Panel::Xui(_) => bad.fails_with("a 3x-ui panel has no option `squads`; its options: inbounds"),
        Panel::PasarGuard(_) => bad.fails_with("a pasarguard panel has no option `squads`; its options: groups"),
        Panel::Marzneshin(_) => bad.fails_with("a marzneshin panel has no option `squads`; its options: services"),
        Panel::Hiddify(_) => {
            bad.fails_with("a hiddify panel has no option `squads`; its options: none: plans choose nothing on it")
        }
    };
    p.run(&["flag", "set", &id, "trial", "on"]).await.ok();

    let mut p = p;
    p.env.push(("BAZAR_PROVISIONING_RETRY_MS".into(), "100".into()));
    p.env.push(("BAZAR_PROVISIONING_MAX_ATTEMPTS".into(), "4".into()));
    let server = p.serve(true).await;
    let user = FakeUser::new(4242, "Sara").with_language("en");
    p.telegram.push_update(TG, updates::command(&user, "/start", None));
    let menu = p.telegram.wait_for_sent(TG, user.id, 1, WAIT).await.pop().unwrap();
    p.run(&["wallet", "adjust", &id, "4242", "250000", "--reason", "test top-up"]).await.ok();

    // Buy: plans → summary → pay.
    let plans = press(&p, TG, &user, &menu, "Buy").await;
    assert!(plans.text.as_deref().unwrap().contains("Choose a plan"), "{:?}", plans.text);
    let summary = press(&p, TG, &user, &plans, "Monthly").await;
    let text = summary.text.clone().unwrap();
    assert!(text.contains("100,000 IRT") && text.contains("250,000 IRT") && text.contains("30 days"), "{text}");
    // A device limit is promised only where the panel enforces one (Marzban has none).
    let no_device_limit = matches!(panel, Panel::Marzban(_) | Panel::Marzneshin(_) | Panel::Hiddify(_));
    assert_eq!(text.contains("2 devices"), !no_device_limit, "{text}");
    let paid = press(&p, TG, &user, &summary, "Pay").await;
    assert!(paid.text.as_deref().unwrap().contains("Paid 100,000 IRT"), "{:?}", paid.text);
    let delivered = p.telegram.wait_for_sent(TG, user.id, 5, WAIT).await.pop().unwrap();
    assert_eq!(delivered.method, "sendphoto", "link and QR code");
    let caption = delivered.text.clone().unwrap();
    assert!(caption.contains("ready until"), "{caption}");
    assert_eq!(panel.users().len(), 1);
    let panel_user = panel.users()[0].to_string();
    assert!(caption.contains("http"), "the link is in the caption: {caption}");
    if let Some(squad) = &squad {
        assert!(panel_user.contains(squad.as_str()), "the plan's squad is set: {panel_user}");
    }

    // A double tap on the same Pay button buys nothing more.
    p.telegram.push_update(TG, updates::callback(&user, summary.message_id, &button(&summary, "Pay")));
    wait_until("the second tap to be answered", || p.telegram.callback_answers(TG).len() >= 4).await;
    let last = p.telegram.callback_answers(TG).last().cloned().unwrap();
    assert!(last["text"].as_str().unwrap_or_default().contains("already"), "{last}");
    server.settled(&p, &[TG]).await;
    assert_eq!(panel.users().len(), 1);
    assert!(p.run(&["wallet", "show", &id, "4242"]).await.ok().stdout.contains("balance 150,000 IRT"));

    // The panel fails three times, then recovers: delivered once.
    panel.fail_next(3, 503);
    let sent = p.telegram.sent_to(TG, user.id).len();
    buy(&p, &user).await;
    let after = p.telegram.wait_for_sent(TG, user.id, sent + 5, WAIT).await;
    assert_eq!(after.last().unwrap().method, "sendphoto");
    assert_eq!(panel.users().len(), 2);

    // The panel is down for good: the money comes back, once.
    p.run(&["wallet", "adjust", &id, "4242", "100000", "--reason", "second top-up"]).await.ok();
    panel.set_down(true);
    let sent = p.telegram.sent_to(TG, user.id).len();
    buy(&p, &user).await;
    let after = p.telegram.wait_for_sent(TG, user.id, sent + 5, WAIT).await;
    let refund = after.last().unwrap().text.clone().unwrap();
    assert!(refund.contains("went back to your wallet"), "{refund}");
    panel.set_down(false);
    let wallet = p.run(&["wallet", "show", &id, "4242"]).await;
    assert!(wallet.ok().stdout.contains("balance 150,000 IRT"), "{}", wallet.stdout);
    assert_eq!(wallet.stdout.matches("refund").count(), 1, "refunded once: {}", wallet.stdout);
    assert!(p.run(&["ledger", "check", &id]).await.ok().stdout.contains("every balance equals"));

    // The free trial: once.
    let sent = p.telegram.sent_to(TG, user.id).len();
    p.telegram.push_update(TG, updates::command(&user, "/start", None));
    let menu = p.telegram.wait_for_sent(TG, user.id, sent + 1, WAIT).await.pop().unwrap();
    p.telegram.push_update(TG, updates::callback(&user, menu.message_id, &button(&menu, "Free trial")));
    p.telegram.wait_for_sent(TG, user.id, sent + 2, WAIT).await;
    assert_eq!(panel.users().len(), 3, "trial provisioned");
    p.telegram.push_update(TG, updates::callback(&user, menu.message_id, &button(&menu, "Free trial")));
    wait_until("the second trial press", || {
        p.telegram
            .callback_answers(TG)
            .last()
            .and_then(|a| a["text"].as_str().map(str::to_owned))
            .unwrap_or_default()
            .contains("already used")
    })
    .await;
    server.settled(&p, &[TG]).await;
    assert_eq!(panel.users().len(), 3, "no second trial");

    // My subscriptions lists them, with the traffic the panel counted.
    let first = panel.users()[0]["username"].as_str().unwrap().to_owned();
    assert!(first.starts_with("bz") && first.len() > 8, "the name carries the installation id: {first}");
    panel.set_used_traffic(&first, 3 << 29);
    let subs = press(&p, TG, &user, &menu, "My subscriptions").await;
    let text = subs.text.unwrap();
    assert!(text.contains("active") && text.contains("failed"), "{text}");
    assert!(text.contains("1.5 GB / 50 GB"), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn remnawave_on_sqlite() {
    shop(Platform::sqlite().await, Panel::Remnawave(FakeRemnawave::start().await)).await;
}

#[tokio::test]
async fn marzban_on_sqlite() {
    shop(Platform::sqlite().await, Panel::Marzban(FakeMarzban::start().await)).await;
}

#[tokio::test]
async fn pasarguard_on_sqlite() {
    shop(Platform::sqlite().await, Panel::PasarGuard(FakePasarGuard::start().await)).await;
}

#[tokio::test]
async fn marzneshin_on_sqlite() {
    shop(Platform::sqlite().await, Panel::Marzneshin(FakeMarzneshin::start().await)).await;
}

#[tokio::test]
async fn hiddify_on_sqlite() {
    shop(Platform::sqlite().await, Panel::Hiddify(FakeHiddify::start().await)).await;
}

#[tokio::test]
async fn xui_v3_on_sqlite() {
    shop(Platform::sqlite().await, Panel::Xui(FakeXui::start_v3().await)).await;
}

#[tokio::test]
async fn xui_on_sqlite() {
    shop(Platform::sqlite().await, Panel::Xui(FakeXui::start_under("/panelpath").await)).await;
}

#[tokio::test]
async fn remnawave_on_postgres() {
    if let Some(p) = Platform::postgres().await {
        shop(p, Panel::Remnawave(FakeRemnawave::start().await)).await;
    }
}

/// `/start` and wait for the menu.
async fn start(p: &Platform, user: &FakeUser, payload: Option<&str>) -> SentMessage {
    let sent = p.telegram.sent_to(TG, user.id).len();
    p.telegram.push_update(TG, updates::command(user, "/start", payload));
    p.telegram.wait_for_sent(TG, user.id, sent + 1, WAIT).await.pop().unwrap()
}

/// Buy → plan → pay from a fresh menu; returns the "paid" screen and the summary it came from.
async fn buy(p: &Platform, user: &FakeUser) -> (SentMessage, SentMessage) {
    let menu = start(p, user, None).await;
    let plans = press(p, TG, user, &menu, "Buy").await;
    let summary = press(p, TG, user, &plans, "Monthly").await;
    let paid = press(p, TG, user, &summary, "Pay").await;
    (paid, summary)
}

#[tokio::test]
async fn referrals_pay_the_inviter_once_per_purchase() {
    let p = Platform::sqlite().await;
    let panel = FakeRemnawave::start().await;
    let token = p.telegram.add_bot(TG, "vpn_shop_bot");
    let id = add_bot(&p, &token, &[]).await;
    add_remnawave(&p, &panel).await;
    let squad = panel.default_squad();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    p.run(&["flag", "set", &id, "referral", "on"]).await.ok();
    p.run(&["config", "set", &id, "referral_reward_percent", "10"]).await.ok();
    let server = p.serve(true).await;

    let inviter = FakeUser::new(5001, "Ali").with_language("en");
    let friend = FakeUser::new(5002, "Reza").with_language("en");
    let menu = start(&p, &inviter, None).await;
    let invite = press(&p, TG, &inviter, &menu, "Invite friends").await;
    let text = invite.text.unwrap();
    let code = text.split("start=ref_").nth(1).expect("an invite link").split_whitespace().next().unwrap().to_owned();
    assert!(text.contains("https://t.me/vpn_shop_bot?start=ref_"), "{text}");

    start(&p, &friend, Some(&format!("ref_{code}"))).await;
    p.run(&["wallet", "adjust", &id, "5002", "250000", "--reason", "top-up"]).await.ok();
    let (paid, summary) = buy(&p, &friend).await;
    assert!(paid.text.unwrap().contains("Paid"));
    let told = p.telegram.wait_for_sent(TG, inviter.id, 3, WAIT).await.pop().unwrap();
    assert!(told.text.unwrap().contains("10,000 IRT"), "the inviter hears about it");
    // A double tap on Pay: no second purchase, no second reward.
    p.telegram.push_update(TG, updates::callback(&friend, summary.message_id, &button(&summary, "Pay")));
    server.settled(&p, &[TG]).await;
    assert!(p.run(&["wallet", "show", &id, "5001"]).await.ok().stdout.contains("balance 10,000 IRT"));
    // Another purchase: another reward.
    buy(&p, &friend).await;
    wait_until("the second reward", || p.telegram.sent_to(TG, inviter.id).len() >= 4).await;
    let wallet = p.run(&["wallet", "show", &id, "5001"]).await;
    assert!(wallet.ok().stdout.contains("balance 20,000 IRT"), "{}", wallet.stdout);
    assert_eq!(wallet.stdout.matches("referral_reward").count(), 2);

    // An existing customer cannot be claimed by a link later; nobody refers themselves.
    start(&p, &inviter, Some(&format!("ref_{code}"))).await;
    let stranger = FakeUser::new(5003, "Old").with_language("en");
    start(&p, &stranger, None).await;
    start(&p, &stranger, Some(&format!("ref_{code}"))).await;
    let menu = start(&p, &inviter, None).await;
    let invite = press(&p, TG, &inviter, &menu, "Invite friends").await;
    assert!(invite.text.unwrap().contains("Friends joined: 1"), "only the friend who joined through the link");
    assert!(p.run(&["ledger", "check", &id]).await.ok().stdout.contains("every balance equals"));
    server.stop().await;
}

/// Presses "Promo code", types `code`, returns the bot's answer.
async fn enter_promo(p: &Platform, user: &FakeUser, code: &str) -> String {
    let menu = start(p, user, None).await;
    let asked = press(p, TG, user, &menu, "Promo code").await;
    assert!(asked.text.as_deref().unwrap().contains("promo code"), "{:?}", asked.text);
    let sent = p.telegram.sent_to(TG, user.id).len();
    p.telegram.push_update(TG, updates::text(user, code));
    p.telegram.wait_for_sent(TG, user.id, sent + 1, WAIT).await.pop().unwrap().text.unwrap()
}

#[tokio::test]
async fn promo_codes_bonus_discount_and_days() {
    let p = Platform::sqlite().await;
    let panel = FakeRemnawave::start().await;
    let token = p.telegram.add_bot(TG, "vpn_shop_bot");
    let other = p.telegram.add_bot(TG + 1, "other_shop_bot");
    let id = add_bot(&p, &token, &[]).await;
    let other_id = add_bot(&p, &other, &[]).await;
    add_remnawave(&p, &panel).await;
    let squad = panel.default_squad();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    p.run(&["promo", "add", &id, "gift", "--bonus", "20000", "--max-uses", "1"]).await.ok();
    p.run(&["promo", "add", &id, "OFF20", "--percent", "20"]).await.ok();
    p.run(&["promo", "add", &id, "plus7", "--days", "7"]).await.ok();
    p.run(&["promo", "add", &id, "old", "--percent", "50", "--until", "2020-01-01"]).await.ok();
    p.run(&["promo", "add", &other_id, "theirs", "--percent", "90"]).await.ok();
    p.run(&["promo", "add", &id, "x", "--percent", "5"]).await.fails_with("promo code is 3 to 32");
    p.run(&["promo", "add", &id, "both", "--percent", "5", "--days", "3"]).await.fails_with("cannot be used with");
    p.run(&["promo", "add", &id, "gift", "--days", "3"]).await.fails_with("already has that promo code");
    let server = p.serve(true).await;

    let sara = FakeUser::new(6001, "Sara").with_language("en");
    let omid = FakeUser::new(6002, "Omid").with_language("en");
    assert!(enter_promo(&p, &sara, "Gift").await.contains("20,000 IRT was added"));
    assert!(enter_promo(&p, &sara, "gift").await.contains("already used"));
    assert!(enter_promo(&p, &omid, "gift").await.contains("used up"));
    assert!(enter_promo(&p, &sara, "old").await.contains("not valid"));
    assert!(enter_promo(&p, &sara, "nope").await.contains("does not exist"));
    assert!(enter_promo(&p, &sara, "theirs").await.contains("does not exist"), "another shop's code");

    // 20% off the next purchase.
    assert!(enter_promo(&p, &sara, "off20").await.contains("20% off"));
    p.run(&["wallet", "adjust", &id, "6001", "100000", "--reason", "top-up"]).await.ok();
    let menu = start(&p, &sara, None).await;
    let plans = press(&p, TG, &sara, &menu, "Buy").await;
    let summary = press(&p, TG, &sara, &plans, "Monthly").await;
    let text = summary.text.clone().unwrap();
    assert!(text.contains("80,000 IRT") && text.contains("OFF20"), "{text}");
    let paid = press(&p, TG, &sara, &summary, "Pay").await;
    assert!(paid.text.unwrap().contains("Paid 80,000 IRT"));
    assert!(p.run(&["wallet", "show", &id, "6001"]).await.ok().stdout.contains("balance 40,000 IRT"));

    // Seven extra days; the code is spent with the purchase.
    assert!(enter_promo(&p, &omid, "plus7").await.contains("7 extra days"));
    p.run(&["wallet", "adjust", &id, "6002", "100000", "--reason", "top-up"]).await.ok();
    let (paid, _) = buy(&p, &omid).await;
    assert!(paid.text.unwrap().contains("Paid 100,000 IRT"));
    let delivered =
        p.telegram.wait_for_sent(TG, omid.id, p.telegram.sent_to(TG, omid.id).len() + 1, WAIT).await.pop().unwrap();
    assert_eq!(delivered.method, "sendphoto");
    let menu = start(&p, &omid, None).await;
    let subs = press(&p, TG, &omid, &menu, "My subscriptions").await;
    assert!(subs.text.unwrap().contains("37 days left"));
    assert!(enter_promo(&p, &omid, "plus7").await.contains("already used"));
    let list = p.run(&["promo", "list", &id]).await;
    assert!(list.ok().stdout.lines().any(|l| l.starts_with("GIFT") && l.contains("1/1 used")), "{}", list.stdout);
    assert!(p.run(&["ledger", "check", &id]).await.ok().stdout.contains("every balance equals"));
    server.stop().await;
}

#[tokio::test]
async fn support_tickets_reach_admins_and_answers_come_back() {
    let p = Platform::sqlite().await;
    let token = p.telegram.add_bot(TG, "vpn_shop_bot");
    let id = add_bot(&p, &token, &["--admin", "9100"]).await;
    p.run(&["config", "set", &id, "admin_chat_id", "9100"]).await.ok();
    p.run(&["config", "set", &id, "default_language", "en"]).await.ok();
    let server = p.serve(true).await;
    let customer = FakeUser::new(7001, "Sara").with_username("sara_k").with_language("en");
    let admin = FakeUser::new(9100, "Admin").with_language("en");
    let stranger = FakeUser::new(7002, "Eve").with_language("en");

    let menu = start(&p, &customer, None).await;
    let asked = press(&p, TG, &customer, &menu, "Write to support").await;
    assert!(asked.text.unwrap().contains("Write your message"));
    let sent = p.telegram.sent_to(TG, customer.id).len();
    p.telegram.push_update(TG, updates::text(&customer, "My VPN is slow today"));
    let ack = p.telegram.wait_for_sent(TG, customer.id, sent + 1, WAIT).await.pop().unwrap();
    assert!(ack.text.unwrap().contains("ticket #1"));
    let ticket = p.telegram.wait_for_sent(TG, admin.id, 1, WAIT).await.pop().unwrap();
    let text = ticket.text.clone().unwrap();
    assert!(
        text.contains("Ticket #1") && text.contains("Sara (@sara_k)") && text.contains("My VPN is slow today"),
        "{text}"
    );

    // Someone who is not an admin of this shop presses the (forwarded) Answer button: refused.
    start(&p, &stranger, None).await;
    p.telegram.push_update(TG, updates::callback(&stranger, ticket.message_id, &button(&ticket, "Answer")));
    wait_until("the refusal", || {
        p.telegram
            .callback_answers(TG)
            .iter()
            .any(|a| a["text"].as_str().unwrap_or_default().contains("Only this shop's admins"))
    })
    .await;

    // The admin answers; the customer gets it.
    p.telegram.push_update(TG, updates::callback(&admin, ticket.message_id, &button(&ticket, "Answer")));
    let prompt = p.telegram.wait_for_sent(TG, admin.id, 2, WAIT).await.pop().unwrap();
    assert!(prompt.text.unwrap().contains("answer to ticket #1"));
    p.telegram.push_update(TG, updates::text(&admin, "Please switch to server 2"));
    let answer = p.telegram.wait_for_sent(TG, customer.id, sent + 2, WAIT).await.pop().unwrap();
    let body = answer.text.unwrap();
    assert!(body.contains("Support (ticket #1)") && body.contains("Please switch to server 2"), "{body}");
    let confirm = p.telegram.wait_for_sent(TG, admin.id, 3, WAIT).await.pop().unwrap();
    assert!(confirm.text.unwrap().contains("was sent"));

    // Closed: the customer is told.
    p.telegram.push_update(TG, updates::callback(&admin, ticket.message_id, &button(&ticket, "Close")));
    let closed = p.telegram.wait_for_sent(TG, customer.id, sent + 3, WAIT).await.pop().unwrap();
    assert!(closed.text.unwrap().contains("ticket #1 was closed"));
    server.stop().await;
}

#[tokio::test]
async fn renewal_extends_the_same_panel_user_once() {
    let p = Platform::sqlite().await;
    let panel = FakeMarzban::start().await;
    let token = p.telegram.add_bot(TG, "vpn_shop_bot");
    let id = add_bot(&p, &token, &[]).await;
    let (admin, password) = panel.admin_credentials();
    p.run(&[
        "panel",
        "add",
        "--name",
        "m",
        "--default",
        "--kind",
        "marzban",
        "--url",
        &panel.url(),
        "--username",
        &admin,
        "--password",
        &password,
    ])
    .await
    .ok();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--inbounds", "all"])
        .await
        .ok();
    p.run(&["flag", "set", &id, "auto_renew", "on"]).await.ok();
    let server = p.serve(true).await;
    let user = FakeUser::new(7501, "Nima").with_language("en");
    start(&p, &user, None).await;
    p.run(&["wallet", "adjust", &id, "7501", "250000", "--reason", "top-up"]).await.ok();
    buy(&p, &user).await;
    let sent = p.telegram.sent_to(TG, user.id).len();
    p.telegram.wait_for_sent(TG, user.id, sent + 1, WAIT).await;

    let menu = start(&p, &user, None).await;
    let subs = press(&p, TG, &user, &menu, "My subscriptions").await;
    let renewing = press(&p, TG, &user, &subs, "Renew #1").await;
    assert!(renewing.text.unwrap().contains("being renewed"));
    let renewed =
        p.telegram.wait_for_sent(TG, user.id, p.telegram.sent_to(TG, user.id).len() + 1, WAIT).await.pop().unwrap();
    let text = renewed.text.unwrap();
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let expected = bazar_domain::calendar::iso_date_of_ms(now_ms + 60 * 86_400_000);
    assert!(text.contains("renewed until") && text.contains(&expected), "{text} (expected {expected})");
    assert_eq!(panel.users().len(), 1, "the same panel user, extended");

    // The same Renew button again: nothing more is charged.
    p.telegram.push_update(TG, updates::callback(&user, subs.message_id, &button(&subs, "Renew #1")));
    wait_until("the second renew tap", || {
        p.telegram
            .callback_answers(TG)
            .last()
            .and_then(|a| a["text"].as_str().map(str::to_owned))
            .unwrap_or_default()
            .contains("already")
    })
    .await;
    assert!(p.run(&["wallet", "show", &id, "7501"]).await.ok().stdout.contains("balance 50,000 IRT"));
    assert!(p.run(&["ledger", "check", &id]).await.ok().stdout.contains("every balance equals"));

    // Automatic renewal can be switched on from the same screen.
    let menu = start(&p, &user, None).await;
    let subs = press(&p, TG, &user, &menu, "My subscriptions").await;
    assert!(subs.text.is_some());
    let toggled = press(&p, TG, &user, &subs, "Auto-renew").await;
    let on = toggled.reply_markup.unwrap().to_string();
    assert!(on.contains("Auto-renew from wallet: ON"), "{on}");
    server.stop().await;
}

#[tokio::test]
async fn two_shops_one_customer_see_nothing_of_each_other() {
    let p = Platform::sqlite().await;
    let panel = FakeRemnawave::start().await;
    let token_a = p.telegram.add_bot(TG, "shop_a_bot");
    let token_b = p.telegram.add_bot(TG + 1, "shop_b_bot");
    let json = |out: &str| serde_json::from_str::<Value>(out.trim()).unwrap()["id"].to_string();
    let a = json(&p.run(&["bot", "add", "--token", &token_a, "--admin", "9100", "--json"]).await.ok().stdout);
    let b = json(&p.run(&["bot", "add", "--token", &token_b, "--admin", "9200", "--json"]).await.ok().stdout);
    add_remnawave(&p, &panel).await;
    let squad = panel.default_squad();
    p.run(&["plan", "add", &a, "--name", "A Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    p.run(&["plan", "add", &b, "--name", "B Weekly", "--days", "7", "--price", "30000", "--squad", &squad]).await.ok();
    p.run(&["config", "set", &a, "admin_chat_id", "9100"]).await.ok();
    p.run(&["config", "set", &b, "admin_chat_id", "9200"]).await.ok();
    let server = p.serve(true).await;
    let user = FakeUser::new(8001, "Same").with_language("en");

    // In shop A: top up, buy, get the link; ask support.
    start(&p, &user, None).await;
    p.run(&["wallet", "adjust", &a, "8001", "150000", "--reason", "top-up"]).await.ok();
    buy(&p, &user).await;
    p.telegram.wait_for_sent(TG, user.id, p.telegram.sent_to(TG, user.id).len() + 1, WAIT).await;
    let menu = start(&p, &user, None).await;
    press(&p, TG, &user, &menu, "Write to support").await;
    p.telegram.push_update(TG, updates::text(&user, "question for shop A"));
    p.telegram.wait_for_sent(TG, 9100, 1, WAIT).await;

    // In shop B the same Telegram user is a stranger.
    let sent = p.telegram.sent_to(TG + 1, user.id).len();
    p.telegram.push_update(TG + 1, updates::command(&user, "/start", None));
    let menu_b = p.telegram.wait_for_sent(TG + 1, user.id, sent + 1, WAIT).await.pop().unwrap();
    let press_b = |message: SentMessage, label: &'static str| {
        let p = &p;
        let user = &user;
        async move {
            let before = p.telegram.sent_to(TG + 1, user.id).len();
            p.telegram.push_update(TG + 1, updates::callback(user, message.message_id, &button(&message, label)));
            p.telegram.wait_for_sent(TG + 1, user.id, before + 1, WAIT).await.pop().unwrap()
        }
    };
    let plans = press_b(menu_b.clone(), "Buy").await;
    let markup = plans.reply_markup.clone().unwrap().to_string();
    assert!(markup.contains("B Weekly") && !markup.contains("A Monthly"), "{markup}");
    let subs = press_b(plans, "Back").await;
    let subs = press_b(subs, "My subscriptions").await;
    assert!(subs.text.clone().unwrap().contains("no subscriptions"), "{:?}", subs.text);
    let back = press_b(subs, "Back").await;
    let wallet = press_b(back, "Wallet").await;
    assert!(wallet.text.unwrap().contains("Balance: 0 IRT"));
    assert!(p.telegram.sent_to(TG + 1, 9200).is_empty(), "B's admins saw nothing of A's ticket");
    assert!(
        p.telegram.sent(TG + 1).iter().all(|m| !m.text.clone().unwrap_or_default().contains("question for shop A"))
    );

    // Back in A: the link and QR code can be asked for again.
    let menu = start(&p, &user, None).await;
    let subs = press(&p, TG, &user, &menu, "My subscriptions").await;
    let before = p.telegram.sent_to(TG, user.id).len();
    p.telegram.push_update(TG, updates::callback(&user, subs.message_id, &button(&subs, "Link & QR")));
    let again = p.telegram.wait_for_sent(TG, user.id, before + 1, WAIT).await.pop().unwrap();
    assert_eq!(again.method, "sendphoto");
    server.stop().await;
}

/// Registers a bot through the CLI; returns its id.
async fn add_bot(p: &Platform, token: &str, extra: &[&str]) -> String {
    let mut args = vec!["bot", "add", "--token", token, "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str::<Value>(p.run(&args).await.ok().stdout.trim()).unwrap()["id"].to_string()
}

/// Registers the fake Remnawave as the platform's default panel.
async fn add_remnawave(p: &Platform, panel: &FakeRemnawave) {
    let (url, token) = (panel.url(), panel.token());
    p.run(&["panel", "add", "--name", "main", "--default", "--kind", "remnawave", "--url", &url, "--token", &token])
        .await
        .ok();
}
