//! The master bot end to end (issue #7, parts 2 and 3): the real `bazar
//! serve` in webhook mode against the fake Telegram, on both databases.
//!
//! * A platform admin lists tenants, adds one by pasting its token (the
//!   message is deleted; the API token is shown once), the new bot answers;
//!   a second paste of the same token is refused.
//! * Suspend → a customer of that tenant gets one polite "unavailable" line
//!   (once per chat per window); resume → served again.
//! * Features toggled per tenant take effect in the tenant's menu.
//! * Master buttons are refused to a master customer and to a tenant's admin,
//!   even with a current menu generation.
//! * Self-service onboarding: pick a plan, paste a token, pay from the wallet
//!   (a double tap pays once), the shop works; with approval on: approve
//!   creates the shop, reject refunds the fee once.
//! * Pasted tokens (adding a tenant, onboarding), in webhook and polling mode,
//!   reach no stored update, no database file or WAL; a restart that handles
//!   the redacted copy again asks for the token again.

use crate::helpers;

use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{button, count_texts, press, say, wait_for_text};
use std::time::{Duration, Instant};

const MASTER_TG: i64 = 8800;
const SHOP_A_TG: i64 = 8801;
const NEW_TG: i64 = 8802;
const ADMIN: i64 = 700;
const SHOP_A_ADMIN: i64 = 801;

/// Registers the master bot with `ADMIN` as its (platform) admin; returns its id.
async fn add_master(p: &Platform) -> String {
    let token = p.telegram.add_bot(MASTER_TG, "platform_master_bot");
    let out = p.run(&["bot", "add", "--token", &token, "--master", "--admin", &ADMIN.to_string(), "--json"]).await;
    let v: serde_json::Value = serde_json::from_str(out.ok().stdout.trim()).unwrap();
    v["id"].to_string()
}

/// The button data of `message` labelled `label`, re-encoded for the menu
/// generation of `current` (another chat's message): a forwarded button that
/// is not stale, so only the access check can refuse it.
fn forged(message: &SentMessage, label: &str, current: &SentMessage) -> String {
    let data = button(message, label);
    let generation = current.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["callback_data"]
        .as_str()
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap()
        .to_owned();
    let mut parts: Vec<&str> = data.split('.').collect();
    parts[1] = &generation;
    parts.join(".")
}

/// Waits until the bot's callback answers include one containing `needle`.
async fn wait_for_answer(p: &Platform, bot: i64, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answers = p.telegram.callback_answers(bot);
        if answers.iter().any(|a| a["text"].as_str().unwrap_or_default().contains(needle)) {
            return;
        }
        assert!(Instant::now() < deadline, "no answer containing {needle:?}: {answers:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn platform_admin_manages_tenants(p: Platform) {
    let master = add_master(&p).await;
    let shop_a = p.add_shop(SHOP_A_TG, "shop_a_bot", &[SHOP_A_ADMIN]).await.0;
    let server = p.serve(true).await;
    let admin = FakeUser::new(ADMIN, "Owner").with_language("en");
    let customer = FakeUser::new(5001, "Reza").with_language("en");
    let shop_admin = FakeUser::new(SHOP_A_ADMIN, "Shop admin").with_language("en");

    // The platform home: figures across tenants.
    say(&p, MASTER_TG, &admin, updates::command(&admin, "/start", None)).await;
    let home = say(&p, MASTER_TG, &admin, updates::command(&admin, "/admin", None)).await;
    let platform = press(&p, MASTER_TG, &admin, &home, "Platform").await;
    let text = platform.text.clone().unwrap();
    assert!(text.contains("Tenants: 2 active"), "{text}");

    // The list shows shop A; its screen has its figures.
    let list = press(&p, MASTER_TG, &admin, &platform, "Tenants").await;
    let view = press(&p, MASTER_TG, &admin, &list, &format!("#{shop_a} ")).await;
    assert!(view.text.as_deref().unwrap().contains("@shop_a_bot"), "{view:?}");

    // Add a tenant by pasting its token: the message is deleted, the API token shown once.
    let token = p.telegram.add_bot(NEW_TG, "fresh_shop_bot");
    let platform = press(&p, MASTER_TG, &admin, &view, "Back").await;
    let platform = press(&p, MASTER_TG, &admin, &platform, "Back").await;
    let ask = press(&p, MASTER_TG, &admin, &platform, "Add a tenant").await;
    assert!(ask.text.as_deref().unwrap().contains("Paste the token"), "{ask:?}");
    let pasted = updates::text(&admin, &token);
    let pasted_id = pasted["message"]["message_id"].as_i64().unwrap();
    let added = say(&p, MASTER_TG, &admin, pasted).await;
    let text = added.text.clone().unwrap();
    assert!(text.contains("added") && text.contains("bzr_"), "{text}");
    let deletions = p.telegram.calls_of("deletemessage");
    assert!(
        deletions.iter().any(|c| c.params["message_id"].as_i64() == Some(pasted_id)
            || c.params["message_id"].as_str() == Some(pasted_id.to_string().as_str())),
        "the pasted token is deleted: {deletions:?}"
    );
    assert!(
        p.telegram.all_sent().iter().all(|m| !m.text.as_deref().unwrap_or_default().contains(&token)),
        "the bot token is never echoed"
    );
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bots WHERE telegram_bot_id = {NEW_TG}")).await, 1);

    // The new bot answers /start.
    let newcomer = FakeUser::new(5002, "Mina").with_language("en");
    let welcome = say(&p, NEW_TG, &newcomer, updates::command(&newcomer, "/start", None)).await;
    assert!(welcome.text.as_deref().unwrap().contains("Welcome"), "{welcome:?}");

    // The same token again is refused.
    let home = say(&p, MASTER_TG, &admin, updates::command(&admin, "/admin", None)).await;
    let platform = press(&p, MASTER_TG, &admin, &home, "Platform").await;
    assert!(platform.text.as_deref().unwrap().contains("Tenants: 3 active"), "{platform:?}");
    let ask = press(&p, MASTER_TG, &admin, &platform, "Add a tenant").await;
    let again = say(&p, MASTER_TG, &admin, updates::text(&admin, &token)).await;
    assert!(again.text.as_deref().unwrap().contains("already registered"), "{again:?} after {ask:?}");

    // Master buttons are for the master's admins only: a master customer and
    // shop A's admin pressing a (forwarded, current) Suspend button are refused.
    let list = press(&p, MASTER_TG, &admin, &again, "Back").await;
    let list = press(&p, MASTER_TG, &admin, &list, "Tenants").await;
    let view = press(&p, MASTER_TG, &admin, &list, &format!("#{shop_a} ")).await;
    for intruder in [&customer, &shop_admin] {
        let menu = say(&p, MASTER_TG, intruder, updates::command(intruder, "/start", None)).await;
        let data = forged(&view, "Suspend", &menu);
        let before = p.telegram.callback_answers(MASTER_TG).len();
        p.telegram.push_update(MASTER_TG, updates::callback(intruder, menu.message_id, &data));
        let deadline = Instant::now() + Duration::from_secs(20);
        while p.telegram.callback_answers(MASTER_TG).len() == before {
            assert!(Instant::now() < deadline, "no answer to the intruder");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let answer = p.telegram.callback_answers(MASTER_TG).pop().unwrap();
        assert!(answer["text"].as_str().unwrap_or_default().contains("admins"), "{answer}");
        // /admin is an unknown command to them.
        let reply = say(&p, MASTER_TG, intruder, updates::command(intruder, "/admin", None)).await;
        assert!(!reply.text.as_deref().unwrap().contains("Platform"), "{reply:?}");
    }
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bots WHERE id = {shop_a} AND status = 'active'")).await, 1);

    // A message to the tenant owners (shop A has no recorded owner: its admin is told).
    let home = say(&p, MASTER_TG, &admin, updates::command(&admin, "/admin", None)).await;
    let platform = press(&p, MASTER_TG, &admin, &home, "Platform").await;
    let ask = press(&p, MASTER_TG, &admin, &platform, "Message tenant owners").await;
    assert!(ask.text.as_deref().unwrap().contains("(1)"), "{ask:?}");
    let sent = say(&p, MASTER_TG, &admin, updates::text(&admin, "Maintenance tonight at 2:00")).await;
    assert!(sent.text.as_deref().unwrap().contains("Sent to 1"), "{sent:?}");
    wait_for_text(&p, MASTER_TG, SHOP_A_ADMIN, "Maintenance tonight").await;
    assert_eq!(count_texts(&p, MASTER_TG, customer.id, "Maintenance tonight"), 0);
    let platform = press(&p, MASTER_TG, &admin, &sent, "Back").await;
    let list = press(&p, MASTER_TG, &admin, &platform, "Tenants").await;
    assert!(list.text.as_deref().unwrap().contains("👥"), "figures in the list: {list:?}");
    let view = press(&p, MASTER_TG, &admin, &list, &format!("#{shop_a} ")).await;

    // Suspend shop A: its customers get one polite line, and only once per window.
    let suspended = press(&p, MASTER_TG, &admin, &view, "Suspend").await;
    assert!(suspended.text.as_deref().unwrap().contains("suspended"), "{suspended:?}");
    wait_for_answer(&p, MASTER_TG, "polite").await;
    // The registry follows the database at its next tick; the hook makes that now.
    server.reload().await;
    let buyer = FakeUser::new(5003, "Sara").with_language("en");
    let polite = say(&p, SHOP_A_TG, &buyer, updates::command(&buyer, "/start", None)).await;
    let polite = polite.text.unwrap_or_default();
    assert!(polite.contains("temporarily unavailable"), "no polite line: {polite}");
    assert!(polite.contains("shop_a_bot"), "{polite}");
    p.telegram.push_update(SHOP_A_TG, updates::text(&buyer, "hello?"));
    server.settled(&p, &[SHOP_A_TG]).await;
    assert_eq!(count_texts(&p, SHOP_A_TG, buyer.id, "temporarily unavailable"), 1, "told once per window");
    let customers =
        p.count(&format!("SELECT COUNT(*) FROM customers WHERE bot_id = {shop_a} AND telegram_id = 5003")).await;
    assert_eq!(customers, 0, "no tenant data is touched while suspended");

    // Resume: served normally again.
    let resumed = press(&p, MASTER_TG, &admin, &suspended, "Resume").await;
    assert!(resumed.text.as_deref().unwrap().contains("active"), "{resumed:?}");
    // Once the registry follows, the shop is served again.
    server.reload().await;
    let menu = say(&p, SHOP_A_TG, &buyer, updates::command(&buyer, "/start", None)).await;
    assert!(menu.text.as_deref().unwrap_or_default().contains("Welcome"), "not served after resume: {menu:?}");

    // Features: switching the trial on for shop A shows it to A's customers.
    let menu = say(&p, SHOP_A_TG, &buyer, updates::command(&buyer, "/start", None)).await;
    assert!(button_labels(&menu).iter().all(|l| !l.contains("Free trial")), "{menu:?}");
    let features = press(&p, MASTER_TG, &admin, &resumed, "Features").await;
    let switched = press(&p, MASTER_TG, &admin, &features, "⬜ trial").await;
    assert!(button_labels(&switched).iter().any(|l| l == "✅ trial"), "{switched:?}");
    // The same process: the switch takes effect at once, no cache to wait out.
    let menu = say(&p, SHOP_A_TG, &buyer, updates::command(&buyer, "/start", None)).await;
    assert!(
        button_labels(&menu).iter().any(|l| l.contains("Free trial")),
        "the trial flag did not take effect: {menu:?}"
    );
    assert_eq!(
        p.count(&format!("SELECT COUNT(*) FROM bot_feature_flags WHERE bot_id = {shop_a} AND key = 'trial'")).await,
        1
    );
    // A disabled bot stays fully dropped: not even the polite line.
    p.run(&["bot", "disable", &shop_a]).await.ok();
    server.reload().await;
    let stranger = FakeUser::new(5004, "Late").with_language("en");
    p.telegram.push_update(SHOP_A_TG, updates::command(&stranger, "/start", None));
    server.settled(&p, &[SHOP_A_TG]).await;
    assert!(p.telegram.sent_to(SHOP_A_TG, stranger.id).is_empty(), "a disabled bot answers nothing");
    let _ = master;
    server.stop().await;
}

fn button_labels(message: &SentMessage) -> Vec<String> {
    let Some(markup) = message.reply_markup.as_ref() else { return Vec::new() };
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|b| b["text"].as_str().map(str::to_owned))
        .collect()
}

/// One applicant through the flow up to the confirmation screen.
async fn apply(p: &Platform, user: &FakeUser, token: &str) -> SentMessage {
    let menu = say(p, MASTER_TG, user, updates::command(user, "/start", None)).await;
    let plans = press(p, MASTER_TG, user, &menu, "Open your own shop").await;
    assert!(plans.text.as_deref().unwrap().contains("Pick a plan"), "{plans:?}");
    let ask = press(p, MASTER_TG, user, &plans, "basic").await;
    assert!(ask.text.as_deref().unwrap().contains("@BotFather"), "{ask:?}");
    say(p, MASTER_TG, user, updates::text(user, token)).await
}

async fn self_service_onboarding(p: Platform) {
    let master = add_master(&p).await;
    p.run(&["flag", "set", &master, "onboarding", "on"]).await.ok();
    p.run(&["config", "set", &master, "onboarding_plans", "basic=50000,pro=200000"]).await.ok();
    let server = p.serve(true).await;
    let admin = FakeUser::new(ADMIN, "Owner").with_language("en");
    say(&p, MASTER_TG, &admin, updates::command(&admin, "/start", None)).await;

    // Direct path: pay from the wallet, the shop opens at once.
    let reseller = FakeUser::new(6001, "Arash").with_language("en");
    let token_one = p.telegram.add_bot(9001, "reseller_one_bot");
    let confirm = apply(&p, &reseller, &token_one).await;
    assert!(confirm.text.as_deref().unwrap().contains("@reseller_one_bot"), "{confirm:?}");
    // Not enough money yet: refused with the balance.
    p.telegram.push_update(MASTER_TG, updates::callback(&reseller, confirm.message_id, &button(&confirm, "Pay")));
    wait_for_answer(&p, MASTER_TG, "Not enough").await;
    p.run(&["wallet", "adjust", &master, "6001", "80000", "--reason", "top-up"]).await.ok();
    let opened = press(&p, MASTER_TG, &reseller, &confirm, "Pay").await;
    let text = opened.text.clone().unwrap();
    assert!(text.contains("@reseller_one_bot is open") && text.contains("bzr_"), "{text}");
    // A double tap on the same Pay button pays once.
    p.telegram.push_update(MASTER_TG, updates::callback(&reseller, confirm.message_id, &button(&confirm, "Pay")));
    wait_for_answer(&p, MASTER_TG, "already paid").await;
    let paid = "SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key LIKE 'onboarding:%'";
    assert_eq!(p.count(paid).await, 1);
    let balance = "SELECT CAST(balance AS BIGINT) FROM wallets w JOIN customers c ON c.id = w.customer_id \
                   WHERE c.telegram_id = 6001";
    assert_eq!(p.count(balance).await, 30_000);
    // The new shop works, with the reseller as owner and admin.
    let shop = p.count("SELECT id FROM bots WHERE telegram_bot_id = 9001 AND owner_telegram_id = 6001").await;
    assert_eq!(
        p.count(&format!("SELECT COUNT(*) FROM bot_admins WHERE bot_id = {shop} AND telegram_id = 6001")).await,
        1
    );
    say(&p, 9001, &reseller, updates::command(&reseller, "/start", None)).await;
    let admin_home = say(&p, 9001, &reseller, updates::command(&reseller, "/admin", None)).await;
    assert!(admin_home.text.as_deref().unwrap().contains("Admin"), "{admin_home:?}");
    // The same token cannot be registered twice.
    let other = FakeUser::new(6009, "Copycat").with_language("en");
    let refused = apply(&p, &other, &token_one).await;
    assert!(refused.text.as_deref().unwrap().contains("already registered"), "{refused:?}");

    // With approval on, requests wait for a platform admin.
    p.run(&["config", "set", &master, "onboarding_approval", "on"]).await.ok();
    server.reload().await;
    let approved_one = FakeUser::new(6002, "Babak").with_language("en");
    let rejected_one = FakeUser::new(6003, "Cyrus").with_language("en");
    let mut notices = Vec::new();
    for (user, tg, name) in [(&approved_one, 9002, "reseller_two_bot"), (&rejected_one, 9003, "reseller_three_bot")] {
        say(&p, MASTER_TG, user, updates::command(user, "/start", None)).await;
        p.run(&["wallet", "adjust", &master, &user.id.to_string(), "100000", "--reason", "top-up"]).await.ok();
        let token = p.telegram.add_bot(tg, name);
        let confirm = apply(&p, user, &token).await;
        let waiting = press(&p, MASTER_TG, user, &confirm, "Pay").await;
        assert!(waiting.text.as_deref().unwrap().contains("waits for the platform"), "{waiting:?}");
        // The platform admins are told, with Approve / Reject buttons.
        notices.push(wait_for_text(&p, MASTER_TG, ADMIN, &format!("@{name}")).await);
    }
    assert_eq!(p.count("SELECT COUNT(*) FROM bots WHERE telegram_bot_id IN (9002, 9003)").await, 0);
    let first = p.count("SELECT id FROM onboarding_requests WHERE telegram_id = 6002").await;
    let second = p.count("SELECT id FROM onboarding_requests WHERE telegram_id = 6003").await;

    // A customer pressing a forwarded decision button is refused; nothing is created.
    let approve = button(&notices[0], &format!("✅ #{first}"));
    p.telegram.push_update(MASTER_TG, updates::callback(&reseller, notices[0].message_id, &approve));
    wait_for_answer(&p, MASTER_TG, "admins").await;
    assert_eq!(p.count("SELECT COUNT(*) FROM bots WHERE telegram_bot_id = 9002").await, 0);

    // Approve right on the notice: the shop exists, the applicant gets it.
    press(&p, MASTER_TG, &admin, &notices[0], &format!("✅ #{first}")).await;
    wait_for_text(&p, MASTER_TG, approved_one.id, "@reseller_two_bot is open").await;
    assert_eq!(p.count("SELECT COUNT(*) FROM bots WHERE telegram_bot_id = 9002 AND owner_telegram_id = 6002").await, 1);
    let welcome = say(&p, 9002, &approved_one, updates::command(&approved_one, "/start", None)).await;
    assert!(welcome.text.as_deref().unwrap().contains("Welcome"), "{welcome:?}");

    // Reject from the master area: the fee comes back, once.
    let home = say(&p, MASTER_TG, &admin, updates::command(&admin, "/admin", None)).await;
    let platform = press(&p, MASTER_TG, &admin, &home, "Platform").await;
    let requests = press(&p, MASTER_TG, &admin, &platform, "Shop requests (1)").await;
    press(&p, MASTER_TG, &admin, &requests, &format!("❌ #{second}")).await;
    wait_for_text(&p, MASTER_TG, rejected_one.id, "declined").await;
    // The Reject button of the notice, pressed afterwards, decides nothing more.
    let reject = button(&notices[1], &format!("❌ #{second}"));
    p.telegram.push_update(MASTER_TG, updates::callback(&admin, notices[1].message_id, &reject));
    wait_for_answer(&p, MASTER_TG, "already decided").await;
    let refunds = "SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key LIKE 'onboarding-refund:%'";
    assert_eq!(p.count(refunds).await, 1);
    let balance = "SELECT CAST(balance AS BIGINT) FROM wallets w JOIN customers c ON c.id = w.customer_id \
                   WHERE c.telegram_id = 6003";
    assert_eq!(p.count(balance).await, 100_000, "the fee is back, once");
    assert_eq!(p.count("SELECT COUNT(*) FROM bots WHERE telegram_bot_id = 9003").await, 0);
    server.stop().await;
}

/// Polling mode: a suspended bot keeps a lightweight poller that only answers politely.
async fn suspended_bot_in_polling_mode(p: Platform) {
    let shop = p.add_shop(SHOP_A_TG, "polled_shop_bot", &[SHOP_A_ADMIN]).await.0;
    let server = p.serve(false).await;
    let buyer = FakeUser::new(5101, "Nima").with_language("en");
    let welcome = say(&p, SHOP_A_TG, &buyer, updates::command(&buyer, "/start", None)).await;
    assert!(welcome.text.as_deref().unwrap().contains("Welcome"), "{welcome:?}");

    p.run(&["bot", "suspend", &shop]).await.ok();
    server.reload().await;
    let polite = say(&p, SHOP_A_TG, &buyer, updates::text(&buyer, "anyone there?")).await;
    assert!(polite.text.as_deref().unwrap().contains("temporarily unavailable"), "{polite:?}");
    p.telegram.push_update(SHOP_A_TG, updates::text(&buyer, "hello?"));
    server.settled(&p, &[SHOP_A_TG]).await;
    assert_eq!(count_texts(&p, SHOP_A_TG, buyer.id, "temporarily unavailable"), 1, "told once per window");

    p.run(&["bot", "enable", &shop]).await.ok();
    server.reload().await;
    let back = say(&p, SHOP_A_TG, &buyer, updates::command(&buyer, "/start", None)).await;
    assert!(back.text.as_deref().unwrap().contains("Welcome back"), "{back:?}");
    server.stop().await;
}

/// Webhook mode: a bot suspended before the server started (its webhook never
/// registered by an active run) still answers politely.
async fn suspended_before_start_answers_politely(p: Platform) {
    let shop = p.add_shop(SHOP_A_TG, "sleeping_shop_bot", &[SHOP_A_ADMIN]).await.0;
    p.run(&["bot", "suspend", &shop]).await.ok();
    let server = p.serve(true).await;
    let buyer = FakeUser::new(5201, "Leila").with_language("en");
    let polite = say(&p, SHOP_A_TG, &buyer, updates::command(&buyer, "/start", None)).await;
    assert!(polite.text.as_deref().unwrap().contains("temporarily unavailable"), "{polite:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM customers WHERE bot_id = {shop}")).await, 0);
    server.stop().await;
}

/// The secret part of a bot token (what must appear nowhere at rest).
fn secret_of(token: &str) -> &str {
    token.split_once(':').unwrap().1
}

/// A platform admin adds a tenant and a reseller applies for a shop, each by
/// pasting a token (webhook or polling mode): the tokens work, and none is
/// stored anywhere but sealed. Then an update carrying a pasted token is
/// handled again from the inbox after a crash: the sender is asked to paste
/// it again.
async fn pasted_tokens_are_not_stored(p: Platform, webhook: bool) {
    let master = add_master(&p).await;
    p.run(&["flag", "set", &master, "onboarding", "on"]).await.ok();
    p.run(&["config", "set", &master, "onboarding_plans", "basic=50000"]).await.ok();
    let server = p.serve(webhook).await;
    let admin = FakeUser::new(ADMIN, "Owner").with_language("en");
    say(&p, MASTER_TG, &admin, updates::command(&admin, "/start", None)).await;
    let home = say(&p, MASTER_TG, &admin, updates::command(&admin, "/admin", None)).await;
    let platform = press(&p, MASTER_TG, &admin, &home, "Platform").await;
    press(&p, MASTER_TG, &admin, &platform, "Add a tenant").await;
    let tenant_token = p.telegram.add_bot(NEW_TG, "pasted_shop_bot");
    let added = say(&p, MASTER_TG, &admin, updates::text(&admin, &format!("  {tenant_token}\n"))).await;
    assert!(added.text.as_deref().unwrap().contains("added"), "the handler saw the real token: {added:?}");

    let reseller = FakeUser::new(6101, "Darya").with_language("en");
    let reseller_token = p.telegram.add_bot(9101, "pasted_reseller_bot");
    let confirm = apply(&p, &reseller, &reseller_token).await;
    assert!(confirm.text.as_deref().unwrap().contains("@pasted_reseller_bot"), "{confirm:?}");

    let redacted = p.count("SELECT COUNT(*) FROM telegram_updates WHERE payload LIKE '%[redacted bot token]%'").await;
    assert_eq!(redacted, 2, "both pastes are in the inbox, redacted");
    for token in [&tenant_token, &reseller_token] {
        let found = crate::helpers::found_at_rest(&p, secret_of(token)).await;
        assert!(found.is_empty(), "a pasted token is at rest in {found:?}");
    }

    // A crash after the inbox stored a paste (the admin had pressed "Add a
    // tenant" again) and before it was handled: the restart handles the
    // redacted copy and asks for the token again.
    let home = say(&p, MASTER_TG, &admin, updates::command(&admin, "/admin", None)).await;
    let platform = press(&p, MASTER_TG, &admin, &home, "Platform").await;
    press(&p, MASTER_TG, &admin, &platform, "Add a tenant").await;
    server.stop().await;
    let third = p.telegram.add_bot(9102, "after_crash_bot");
    let mut paste = updates::text(&admin, &third);
    let update_id = 900_000_001; // beyond any id the fake hands out
    paste["update_id"] = update_id.into();
    let stored = bazar_store::redact_update(&paste.to_string()).replace('\'', "''");
    p.execute(&format!(
        "INSERT INTO telegram_updates (bot_id, update_id, payload, received_at) VALUES ({master}, {update_id}, '{stored}', 1)"
    ))
    .await;
    let server = p.serve(webhook).await;
    let again = wait_for_text(&p, MASTER_TG, ADMIN, "paste it again").await;
    assert!(again.reply_markup.is_some(), "with the way back: {again:?}");
    assert_eq!(p.count("SELECT COUNT(*) FROM bots WHERE telegram_bot_id = 9102").await, 0);
    assert!(crate::helpers::found_at_rest(&p, secret_of(&third)).await.is_empty());
    // Still waiting for a token: pasting it again adds the tenant.
    let added = say(&p, MASTER_TG, &admin, updates::text(&admin, &third)).await;
    assert!(added.text.as_deref().unwrap().contains("added"), "{added:?}");
    server.stop().await;
    for token in [&tenant_token, &reseller_token, &third] {
        let found = crate::helpers::found_at_rest(&p, secret_of(token)).await;
        assert!(found.is_empty(), "a pasted token is at rest after the stop in {found:?}");
    }
}

async fn pasted_tokens_are_not_stored_webhook(p: Platform) {
    pasted_tokens_are_not_stored(p, true).await;
}

async fn pasted_tokens_are_not_stored_polling(p: Platform) {
    pasted_tokens_are_not_stored(p, false).await;
}

on_both_backends!(
    pasted_tokens_are_not_stored_webhook,
    pasted_tokens_are_not_stored_polling,
    platform_admin_manages_tenants,
    self_service_onboarding,
    suspended_bot_in_polling_mode,
    suspended_before_start_answers_politely
);
