//! Payments end to end: the real `bazar serve`, the fake Telegram, the fake
//! Remnawave and the fake Zarinpal. Card-to-card with receipts and admin
//! buttons (racing approvals, stale buttons, other tenants' admins), Telegram
//! Stars (pre-checkout, repeated successful_payment), Zarinpal (callback
//! delivered three times, forged callbacks, the reconciliation job finishing a
//! payment verified before a crash).

use crate::helpers;

use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use bazar_testkit::zarinpal::FakeZarinpal;
use helpers::Platform;
use helpers::chat::{button, count_texts, press, say, wait_for_text};
use serde_json::Value;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);
const TG: i64 = 9901;
const TG_B: i64 = 9902;
const ADMIN: i64 = 777;
const MERCHANT: &str = "1344b5d4-0048-11e8-94db-005056a205be";

fn balance_of(out: &str) -> String {
    out.lines().find(|l| l.contains("balance")).unwrap_or(out).to_owned()
}

async fn card_to_card(p: Platform) {
    let panel = FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let id = p.add_shop(TG, "card_shop_bot", &[ADMIN]).await.0;
    let other = p.add_shop(TG_B, "other_shop_bot", &[ADMIN]).await.0;
    let squad = panel.default_squad();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    let number = bazar_testkit::card_number("603799123456789");
    p.run(&["card", "add", &id, "--number", &number, "--holder", "Ali Rezaei", "--daily-cap", "10000000"]).await.ok();
    // The other tenant's admin is a different person.
    p.run(&["admin", "remove", &other, &ADMIN.to_string()]).await;
    p.run(&["admin", "add", &other, "888"]).await.ok();

    let server = p.serve(true).await;
    let user = FakeUser::new(5151, "Sara").with_language("en");
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    let stranger = FakeUser::new(888, "Other admin").with_language("en");
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    // Admins are reached in their private chats (no admin chat is configured), so they started the bot.
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;
    say(&p, TG_B, &stranger, updates::command(&stranger, "/start", None)).await;
    say(&p, TG, &stranger, updates::command(&stranger, "/start", None)).await;
    p.run(&["wallet", "adjust", &id, "5151", "30000", "--reason", "gift"]).await.ok();

    // Buy → plan → the summary offers to pay the difference by card.
    let plans = press(&p, TG, &user, &menu, "Buy").await;
    let summary = press(&p, TG, &user, &plans, "Monthly").await;
    assert!(summary.text.as_deref().unwrap().contains("does not cover"), "{summary:?}");
    let details = press(&p, TG, &user, &summary, "by card").await;
    let text = details.text.clone().unwrap();
    let grouped = format!("{} {} {} {}", &number[..4], &number[4..8], &number[8..12], &number[12..]);
    assert!(text.contains(&grouped), "the payer sees the whole card: {text}");
    assert!(text.contains("70,"), "the difference (plus a unique suffix): {text}");

    // The receipt photo reaches the admin with Approve / Reject.
    p.telegram.add_file(TG, "receipt_1", vec![1, 2, 3]);
    let thanks = say(&p, TG, &user, updates::photo(&user, "receipt_1", Some("paid from Mellat"))).await;
    assert!(thanks.text.as_deref().unwrap().contains("Receipt received"), "{thanks:?}");
    let receipt = wait_for_text(&p, TG, ADMIN, "Payment #").await;
    assert_eq!(receipt.method.to_ascii_lowercase(), "sendphoto");
    let caption = receipt.text.clone().unwrap();
    assert!(caption.contains("603799******"), "masked for admins: {caption}");
    assert!(!caption.contains(&number), "{caption}");

    // A customer pressing a forwarded admin button is refused; so is another tenant's admin.
    let approve = button(&receipt, "Approve");
    p.telegram.push_update(TG, updates::callback(&user, receipt.message_id, &approve));
    p.telegram.push_update(TG_B, updates::callback(&stranger, receipt.message_id, &approve));
    p.telegram.push_update(TG, updates::callback(&stranger, receipt.message_id, &approve));
    server.settled(&p, &[TG, TG_B]).await;
    assert!(balance_of(&p.run(&["wallet", "show", &id, "5151"]).await.ok().stdout).contains("balance 30,000"));

    // Five approvals at once credit once; the plan is bought with it and delivered.
    for _ in 0..5 {
        p.telegram.push_update(TG, updates::callback(&admin, receipt.message_id, &approve));
    }
    wait_for_text(&p, TG, user.id, "confirmed").await;
    wait_for_text(&p, TG, user.id, "subscription is ready").await;
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 1);
    assert_eq!(count_texts(&p, TG, ADMIN, "approved by"), 1);
    assert_eq!(panel.users().len(), 1);
    let wallet = p.run(&["wallet", "show", &id, "5151"]).await.ok().stdout.clone();
    let left = balance_of(&wallet);
    assert!(left.contains("balance ") && !left.contains("balance 100,"), "bought once: {wallet}");
    p.run(&["ledger", "check", &id]).await.ok();
    let answers = p.telegram.callback_answers(TG);
    assert!(answers.iter().any(|a| a["text"].as_str().unwrap_or_default().contains("admins")), "{answers:?}");

    // A second top-up with a text receipt, rejected with a reason; a stale Approve after it does nothing.
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    let ask = press(&p, TG, &user, &methods, "Card to card").await;
    assert!(ask.text.as_deref().unwrap().contains("10,000"), "limits shown: {ask:?}");
    let refused = say(&p, TG, &user, updates::text(&user, "5")).await;
    assert!(refused.text.as_deref().unwrap().contains("must be from"), "{refused:?}");
    let details = say(&p, TG, &user, updates::text(&user, "50000")).await;
    assert!(details.text.as_deref().unwrap().contains(&grouped), "{details:?}");
    say(&p, TG, &user, updates::text(&user, "bank tracking 998877")).await;
    let receipt = wait_for_text(&p, TG, ADMIN, "998877").await;
    assert_eq!(receipt.method.to_ascii_lowercase(), "sendmessage");
    let ask = press(&p, TG, &admin, &receipt, "Reject").await;
    assert!(ask.text.as_deref().unwrap().contains("Why"), "{ask:?}");
    say(&p, TG, &admin, updates::text(&admin, "no such transfer on the account")).await;
    let rejected = wait_for_text(&p, TG, user.id, "not accepted").await;
    assert!(rejected.text.as_deref().unwrap().contains("no such transfer"), "{rejected:?}");
    let before = p.run(&["wallet", "show", &id, "5151"]).await.ok().stdout.clone();
    p.telegram.push_update(TG, updates::callback(&admin, receipt.message_id, &button(&receipt, "Approve")));
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(balance_of(&p.run(&["wallet", "show", &id, "5151"]).await.ok().stdout), balance_of(&before));
    let answers = p.telegram.callback_answers(TG);
    assert!(answers.iter().any(|a| a["text"].as_str().unwrap_or_default().contains("already rejected")), "{answers:?}");
    let list = p.run(&["payment", "list", &id]).await.ok().stdout.clone();
    assert!(list.contains("paid") && list.contains("rejected"), "{list}");
    p.run(&["ledger", "check", &id]).await.ok();
    server.stop().await;
}

#[tokio::test]
async fn card_to_card_on_sqlite() {
    card_to_card(Platform::sqlite().await).await;
}

#[tokio::test]
async fn card_to_card_on_postgres() {
    if let Some(p) = Platform::postgres().await {
        card_to_card(p).await;
    }
}

async fn stars(p: Platform) {
    let id = p.add_shop(TG, "stars_shop_bot", &[ADMIN]).await.0;
    p.run(&["flag", "set", &id, "telegram_stars", "on"]).await.ok();
    p.run(&["flag", "set", &id, "card_to_card", "off"]).await.ok();
    p.run(&["config", "set", &id, "stars_rate", "1000"]).await.ok();
    let server = p.serve(true).await;
    let user = FakeUser::new(6161, "Reza").with_language("en");
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    let ask = press(&p, TG, &user, &methods, "Stars").await;
    assert!(ask.text.as_deref().unwrap().contains("amount"), "{ask:?}");
    let invoice = say(&p, TG, &user, updates::text(&user, "50,500")).await;
    assert_eq!(invoice.method.to_ascii_lowercase(), "sendinvoice");
    assert_eq!(invoice.params["currency"], "XTR");
    assert_eq!(invoice.params["prices"][0]["amount"], 51, "50,500 at 1,000 per Star, rounded up");
    let payload = invoice.params["payload"].as_str().unwrap().to_owned();

    // Pre-checkout: a wrong total is refused, the right one accepted.
    let deadline = Instant::now() + WAIT;
    for (n, total) in [(1, 50), (2, 51)] {
        p.telegram.push_update(TG, updates::pre_checkout(&user, "XTR", total, &payload));
        while p.telegram.pre_checkout_answers(TG).len() < n {
            assert!(Instant::now() < deadline, "pre-checkout not answered");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let answers = p.telegram.pre_checkout_answers(TG);
    assert_eq!(answers[0]["ok"], false, "{answers:?}");
    assert_eq!(answers[1]["ok"], true, "{answers:?}");

    // Telegram reports the payment three times: one credit.
    for _ in 0..3 {
        p.telegram.push_update(TG, updates::successful_payment(&user, "XTR", 51, &payload, "charge_abc"));
    }
    wait_for_text(&p, TG, user.id, "confirmed").await;
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 1);
    let wallet = p.run(&["wallet", "show", &id, "6161"]).await.ok().stdout.clone();
    assert!(balance_of(&wallet).contains("balance 50,500"), "{wallet}");
    p.run(&["ledger", "check", &id]).await.ok();

    // The tenant refunds it through the API: Telegram gets the Stars back once, the wallet gives the credit back once.
    let api_token = p.run(&["bot", "rotate-api-token", &id, "--json"]).await.ok().stdout.clone();
    let api_token = serde_json::from_str::<Value>(api_token.trim()).unwrap()["api_token"].as_str().unwrap().to_owned();
    let payment_id = payload.strip_prefix("pay:").unwrap();
    let url = format!("{}/api/v1/payments/{payment_id}/refund", server.url());
    let http = reqwest::Client::new();
    let refunded = http.post(&url).bearer_auth(&api_token).send().await.unwrap();
    assert_eq!(refunded.status(), 200);
    assert_eq!(refunded.json::<Value>().await.unwrap()["status"], "refunded");
    let again = http.post(&url).bearer_auth(&api_token).send().await.unwrap();
    assert_eq!(again.status(), 409);
    let refunds = p.telegram.calls_of("refundstarpayment");
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0].params["telegram_payment_charge_id"], "charge_abc");
    let wallet = p.run(&["wallet", "show", &id, "6161"]).await.ok().stdout.clone();
    assert!(balance_of(&wallet).contains("balance 0"), "{wallet}");
    p.run(&["ledger", "check", &id]).await.ok();
    server.stop().await;
}

#[tokio::test]
async fn stars_on_sqlite() {
    stars(Platform::sqlite().await).await;
}

#[tokio::test]
async fn stars_on_postgres() {
    if let Some(p) = Platform::postgres().await {
        stars(p).await;
    }
}

/// Top-up through Zarinpal up to the StartPay link; returns the payment's authority.
async fn zarinpal_link(p: &Platform, user: &FakeUser, amount: &str) -> String {
    let links = count_texts(p, TG, user.id, "online (payment");
    let menu = say(p, TG, user, updates::command(user, "/start", None)).await;
    let wallet = press(p, TG, user, &menu, "Wallet").await;
    let methods = press(p, TG, user, &wallet, "Top up").await;
    press(p, TG, user, &methods, "Zarinpal").await;
    say(p, TG, user, updates::text(user, amount)).await;
    let link = wait_for_link(p, user.id, links).await;
    let url = button(&link, "Pay now");
    url.rsplit('/').next().unwrap().to_owned()
}

/// Waits for the link message after the first `seen` ones.
async fn wait_for_link(p: &Platform, chat: i64, seen: usize) -> SentMessage {
    let deadline = Instant::now() + WAIT;
    loop {
        let links: Vec<SentMessage> = p
            .telegram
            .sent_to(TG, chat)
            .into_iter()
            .filter(|m| m.text.as_deref().unwrap_or_default().contains("online (payment"))
            .collect();
        if let Some(m) = links.into_iter().nth(seen) {
            return m;
        }
        assert!(Instant::now() < deadline, "no link message: {:#?}", p.telegram.sent_to(TG, chat));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn zarinpal(p: Platform) {
    let gateway = FakeZarinpal::start().await;
    gateway.accept_merchant(MERCHANT);
    let id = p.add_shop(TG, "zp_shop_bot", &[ADMIN]).await.0;
    p.run(&["flag", "set", &id, "zarinpal", "on"]).await.ok();
    p.run(&["zarinpal", "set", &id, "--merchant-id", MERCHANT]).await.ok();
    let mut p = p;
    p.env.push(("BAZAR_ZARINPAL_API_URL".into(), gateway.url()));
    p.env.push(("BAZAR_ZARINPAL_RECONCILE_MS".into(), "400".into()));
    let server = p.serve(true).await;
    let user = FakeUser::new(7171, "Mina").with_language("en");
    let http = reqwest::Client::new();

    // Paid; the callback arrives three times at once; the reconciliation job runs after it too.
    let authority = zarinpal_link(&p, &user, "120000").await;
    let callback = gateway.pay(&authority);
    assert!(callback.starts_with(&server.url()), "{callback}");
    let pages = futures::future::join_all((0..3).map(|_| http.get(&callback).send())).await;
    for page in pages {
        let page = page.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Payment successful"));
    }
    wait_for_text(&p, TG, user.id, "confirmed").await;
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 1);
    let wallet = p.run(&["wallet", "show", &id, "7171"]).await.ok().stdout.clone();
    assert!(balance_of(&wallet).contains("balance 120,000"), "{wallet}");
    assert!(gateway.payment(&authority).unwrap().verified);

    // Forged callbacks: an unknown authority, and a real one on another payment's URL.
    let forged = callback.replace(&authority, "A00000000000000000000000000000000000");
    assert_eq!(http.get(&forged).send().await.unwrap().status(), 404);
    let second = zarinpal_link(&p, &user, "30000").await;
    let other_url = gateway.cancel(&second).replace(&second, &authority).replace("Status=NOK", "Status=OK");
    assert_eq!(http.get(&other_url).send().await.unwrap().status(), 404);
    // "OK" for a payment nobody paid: verify says no, nothing credited.
    let unpaid = gateway.cancel(&second).replace("Status=NOK", "Status=OK");
    let page = http.get(&unpaid).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("not completed"), "{page}");
    wait_for_text(&p, TG, user.id, "was not completed").await;

    // Paid, but for another amount than the payment's (a tampered page): verify says -50, nothing credited.
    let tampered = zarinpal_link(&p, &user, "90000").await;
    let page = http.get(gateway.pay_amount(&tampered, 1_000)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("not completed"), "{page}");
    let wallet = p.run(&["wallet", "show", &id, "7171"]).await.ok().stdout.clone();
    assert!(balance_of(&wallet).contains("balance 120,000"), "{wallet}");
    let deadline = Instant::now() + WAIT;
    while count_texts(&p, TG, user.id, "was not completed") < 2 {
        assert!(Instant::now() < deadline, "the customer was not told");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Paid and verified, but the process died before crediting: the reconciliation job answers 101 and credits once.
    let third = zarinpal_link(&p, &user, "40000").await;
    gateway.pay(&third);
    gateway.mark_verified(&third);
    let deadline = Instant::now() + WAIT;
    loop {
        let wallet = p.run(&["wallet", "show", &id, "7171"]).await.ok().stdout.clone();
        if balance_of(&wallet).contains("balance 160,000") {
            break;
        }
        assert!(Instant::now() < deadline, "the reconciliation never credited: {wallet}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.settled(&p, &[TG, TG_B]).await;
    let wallet = p.run(&["wallet", "show", &id, "7171"]).await.ok().stdout.clone();
    assert!(balance_of(&wallet).contains("balance 160,000"), "credited once: {wallet}");
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 2);
    p.run(&["ledger", "check", &id]).await.ok();
    let show = p.run(&["payment", "list", &id, "--method", "zarinpal"]).await.ok().stdout.clone();
    assert!(show.contains("failed"), "{show}");
    server.stop().await;
}

#[tokio::test]
async fn zarinpal_on_sqlite() {
    zarinpal(Platform::sqlite().await).await;
}

#[tokio::test]
async fn zarinpal_on_postgres() {
    if let Some(p) = Platform::postgres().await {
        zarinpal(p).await;
    }
}

/// `/admin` in the tenant's own bot: key figures and the receipts queue, for
/// its admins only; a receipt decided from the queue is credited once.
async fn admin_queue(p: Platform) {
    let id = p.add_shop(TG, "queue_shop_bot", &[ADMIN]).await.0;
    let number = bazar_testkit::card_number("621986123456789");
    p.run(&["card", "add", &id, "--number", &number, "--holder", "Reza Karimi"]).await.ok();
    p.run(&["config", "set", &id, "card_unique_amount", "off"]).await.ok();
    let server = p.serve(true).await;
    let user = FakeUser::new(8181, "Nima").with_language("en");
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");

    // A customer's /admin is just an unknown command.
    say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let refused = say(&p, TG, &user, updates::command(&user, "/admin", None)).await;
    assert!(refused.text.as_deref().unwrap().contains("did not understand"), "{refused:?}");

    // The customer pays by card and sends a text receipt.
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    press(&p, TG, &user, &methods, "Card to card").await;
    say(&p, TG, &user, updates::text(&user, "75000")).await;
    say(&p, TG, &user, updates::text(&user, "ref 4455")).await;

    // The admin opens /admin later, sees the queue and approves from it.
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let text = home.text.clone().unwrap();
    assert!(text.contains("Receipts waiting: 1") && text.contains("Customers: 2"), "{text}");
    // (It also reached the admin when it came in; the queue sends it again.)
    let arrived = count_texts(&p, TG, ADMIN, "ref 4455");
    p.telegram.push_update(TG, updates::callback(&admin, home.message_id, &button(&home, "Receipts waiting (1)")));
    let deadline = Instant::now() + WAIT;
    while count_texts(&p, TG, ADMIN, "ref 4455") == arrived {
        assert!(Instant::now() < deadline, "the queue sent nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let queued = p
        .telegram
        .sent_to(TG, ADMIN)
        .into_iter()
        .rev()
        .find(|m| m.text.as_deref().unwrap_or_default().contains("ref 4455"))
        .unwrap();
    assert!(queued.text.as_deref().unwrap().contains("621986******"), "masked: {queued:?}");
    press(&p, TG, &admin, &queued, "Approve").await;
    wait_for_text(&p, TG, ADMIN, "approved by").await;
    wait_for_text(&p, TG, user.id, "confirmed").await;
    let wallet = p.run(&["wallet", "show", &id, "8181"]).await.ok().stdout.clone();
    assert!(balance_of(&wallet).contains("balance 75,000"), "{wallet}");
    say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    wait_for_text(&p, TG, ADMIN, "Receipts waiting: 0").await;
    server.stop().await;
}

#[tokio::test]
async fn admin_queue_on_sqlite() {
    admin_queue(Platform::sqlite().await).await;
}

#[tokio::test]
async fn admin_queue_on_postgres() {
    if let Some(p) = Platform::postgres().await {
        admin_queue(p).await;
    }
}

/// The tenant's currency, as `bazar config set` changes it, seen by a running server.
async fn switch_currency(p: &Platform, server: &helpers::Server, id: &str, currency: &str) {
    p.run(&["config", "set", id, "currency", currency]).await.ok();
    server.reload().await;
}

/// A customer's balance in `currency`, straight from the wallet row.
async fn wallet_in(p: &Platform, id: &str, telegram_id: i64, currency: &str) -> i64 {
    p.count(&format!(
        "SELECT CAST(COALESCE(SUM(w.balance), 0) AS BIGINT) FROM wallets w JOIN customers c ON c.id = w.customer_id \
         WHERE c.bot_id = {id} AND c.telegram_id = {telegram_id} AND w.currency = '{currency}'"
    ))
    .await
}

/// A Stars invoice made while the tenant sold in toman is paid after it
/// switched to rial: credited in toman, once.
async fn stars_after_a_currency_change(p: Platform) {
    let id = p.add_shop(TG, "stars_switch_bot", &[ADMIN]).await.0;
    p.run(&["flag", "set", &id, "telegram_stars", "on"]).await.ok();
    p.run(&["flag", "set", &id, "card_to_card", "off"]).await.ok();
    p.run(&["config", "set", &id, "stars_rate", "1000"]).await.ok();
    let server = p.serve(true).await;
    let user = FakeUser::new(6262, "Reza").with_language("en");
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    press(&p, TG, &user, &methods, "Stars").await;
    let invoice = say(&p, TG, &user, updates::text(&user, "20,000")).await;
    let payload = invoice.params["payload"].as_str().unwrap().to_owned();

    switch_currency(&p, &server, &id, "IRR").await;
    for _ in 0..2 {
        p.telegram.push_update(TG, updates::successful_payment(&user, "XTR", 20, &payload, "charge_switch"));
    }
    wait_for_text(&p, TG, user.id, "confirmed").await;
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 1);
    assert_eq!(wallet_in(&p, &id, user.id, "IRT").await, 20_000, "credited in the payment's own currency");
    assert_eq!(wallet_in(&p, &id, user.id, "IRR").await, 0);
    let payment = payload.strip_prefix("pay:").unwrap();
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM payments WHERE id = {payment} AND status = 'paid'")).await, 1);
    assert_eq!(p.count("SELECT COUNT(*) FROM telegram_updates WHERE status = 'failed'").await, 0);
    p.run(&["ledger", "check", &id]).await.ok();
    server.stop().await;
}

/// A card receipt submitted while the tenant sold in toman is approved by the
/// admin's button after it switched to rial: credited in toman, and the
/// admin sees "approved".
async fn approve_after_a_currency_change(p: Platform) {
    let id = p.add_shop(TG, "card_switch_bot", &[ADMIN]).await.0;
    let number = bazar_testkit::card_number("603799123456789");
    p.run(&["card", "add", &id, "--number", &number, "--holder", "Ali Rezaei"]).await.ok();
    p.run(&["config", "set", &id, "card_unique_amount", "off"]).await.ok();
    let server = p.serve(true).await;
    let user = FakeUser::new(6363, "Sara").with_language("en");
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    press(&p, TG, &user, &methods, "Card to card").await;
    say(&p, TG, &user, updates::text(&user, "60000")).await;
    say(&p, TG, &user, updates::text(&user, "ref 7788")).await;
    let receipt = wait_for_text(&p, TG, ADMIN, "ref 7788").await;

    switch_currency(&p, &server, &id, "IRR").await;
    let answers = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&admin, receipt.message_id, &button(&receipt, "Approve")));
    wait_for_text(&p, TG, ADMIN, "approved by").await;
    wait_for_text(&p, TG, user.id, "confirmed").await;
    let toast = p.telegram.callback_answers(TG).into_iter().nth(answers).expect("the press is answered");
    assert!(toast["text"].as_str().unwrap_or_default().contains("Approved"), "{toast}");
    assert_eq!(wallet_in(&p, &id, user.id, "IRT").await, 60_000);
    assert_eq!(p.count("SELECT COUNT(*) FROM payments WHERE status = 'paid'").await, 1);
    p.run(&["ledger", "check", &id]).await.ok();

    // A press that fails for good (a payment whose currency nobody can credit)
    // still gets a visible answer, and decides nothing.
    let other = FakeUser::new(6364, "Omid").with_language("en");
    let menu = say(&p, TG, &other, updates::command(&other, "/start", None)).await;
    let wallet = press(&p, TG, &other, &menu, "Wallet").await;
    let methods = press(&p, TG, &other, &wallet, "Top up").await;
    press(&p, TG, &other, &methods, "Card to card").await;
    say(&p, TG, &other, updates::text(&other, "60000")).await;
    say(&p, TG, &other, updates::text(&other, "ref 9911")).await;
    let receipt = wait_for_text(&p, TG, ADMIN, "ref 9911").await;
    p.execute("UPDATE payments SET currency = 'EUR' WHERE status = 'submitted'").await;
    let answers = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&admin, receipt.message_id, &button(&receipt, "Approve")));
    let deadline = Instant::now() + WAIT;
    while p.telegram.callback_answers(TG).len() == answers {
        assert!(Instant::now() < deadline, "the failed press was never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let toast = p.telegram.callback_answers(TG).pop().unwrap();
    assert!(toast["text"].as_str().unwrap_or_default().contains("went wrong"), "{toast}");
    assert_eq!(toast["show_alert"], true, "{toast}");
    assert_eq!(p.count("SELECT COUNT(*) FROM payments WHERE status = 'submitted'").await, 1);
    server.stop().await;
}

/// A `successful_payment` whose crediting fails for good (here: a payment in
/// a currency nobody can credit) loses nothing: the charge is kept on the
/// payment with an event, the customer and the admins are told (once),
/// expiry leaves it alone, and the retry job credits it once it can.
async fn stars_kept_when_crediting_fails(p: Platform) {
    let id = p.add_shop(TG, "stars_kept_bot", &[ADMIN]).await.0;
    p.run(&["flag", "set", &id, "telegram_stars", "on"]).await.ok();
    p.run(&["flag", "set", &id, "card_to_card", "off"]).await.ok();
    p.run(&["config", "set", &id, "stars_rate", "1000"]).await.ok();
    let server = p.serve(true).await;
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;
    let user = FakeUser::new(6464, "Mina").with_language("en");
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    press(&p, TG, &user, &methods, "Stars").await;
    let invoice = say(&p, TG, &user, updates::text(&user, "20,000")).await;
    let payload = invoice.params["payload"].as_str().unwrap().to_owned();
    let payment = payload.strip_prefix("pay:").unwrap().to_owned();

    // Settlement fails for good: the customer's wallet is full to the last
    // unit, so any credit would overflow it (the store refuses, nothing is written).
    let full = format!(
        "INSERT INTO wallets (bot_id, customer_id, currency, balance, updated_at) \
         SELECT bot_id, customer_id, 'IRT', 9223372036854775807, 0 FROM payments WHERE id = {payment}"
    );
    p.execute(&full).await;
    p.telegram.push_update(TG, updates::successful_payment(&user, "XTR", 20, &payload, "charge_kept_1"));
    let notice = wait_for_text(&p, TG, ADMIN, "charge_kept_1").await;
    assert!(notice.text.as_deref().unwrap().contains("retried automatically"), "{notice:?}");
    wait_for_text(&p, TG, user.id, "taking longer").await;
    let row = format!("SELECT COUNT(*) FROM payments WHERE id = {payment} AND charge_id = 'charge_kept_1'");
    assert_eq!(p.count(&row).await, 1, "the payment keeps the charge");
    let event = format!(
        "SELECT COUNT(*) FROM payment_events WHERE payment_id = {payment} AND note LIKE '%charge_kept_1%not credited%'"
    );
    assert_eq!(p.count(&event).await, 1, "a payment event says what failed");
    let retry = "SELECT COUNT(*) FROM jobs WHERE kind = 'stars_settle' AND status = 'pending'";
    assert_eq!(p.count(retry).await, 1, "a retry is queued");
    assert_eq!(p.count("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key LIKE 'stars:%'").await, 0);

    // Its time runs out: expiry leaves a payment holding a charge alone.
    p.execute("UPDATE jobs SET run_at = 0 WHERE kind = 'payment_expire'").await;
    let expired = "SELECT COUNT(*) FROM jobs WHERE kind = 'payment_expire' AND status = 'done'";
    wait_until_count(&p, expired, 1).await;
    let open = format!("SELECT COUNT(*) FROM payments WHERE id = {payment} AND status = 'pending'");
    assert_eq!(p.count(&open).await, 1, "not expired");

    // A retry while the fault lasts fails again and stays queued, later.
    p.execute("UPDATE jobs SET run_at = 0 WHERE kind = 'stars_settle'").await;
    let retried = "SELECT COUNT(*) FROM jobs WHERE kind = 'stars_settle' AND status = 'pending' AND attempts = 1 \
                   AND last_error IS NOT NULL";
    wait_until_count(&p, retried, 1).await;
    assert_eq!(p.count(&open).await, 1);

    // The fault is repaired: the next retry credits it, once.
    p.execute(&format!(
        "DELETE FROM wallets WHERE customer_id = (SELECT customer_id FROM payments WHERE id = {payment})"
    ))
    .await;
    p.execute("UPDATE jobs SET run_at = 0 WHERE kind = 'stars_settle' AND status = 'pending'").await;
    wait_for_text(&p, TG, user.id, "confirmed").await;
    p.telegram.push_update(TG, updates::successful_payment(&user, "XTR", 20, &payload, "charge_kept_1"));
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(wallet_in(&p, &id, user.id, "IRT").await, 20_000);
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 1);
    assert_eq!(count_texts(&p, TG, ADMIN, "charge_kept_1"), 1, "the admins are told once");
    assert_eq!(p.count("SELECT COUNT(*) FROM jobs WHERE kind = 'stars_settle' AND status = 'done'").await, 1);
    p.run(&["ledger", "check", &id]).await.ok();
    server.stop().await;
}

/// Waits until `sql` counts `n`.
async fn wait_until_count(p: &Platform, sql: &str, n: i64) {
    let deadline = Instant::now() + WAIT;
    while p.count(sql).await != n {
        assert!(Instant::now() < deadline, "never {n}: {sql}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Stars paid while the shop is suspended (the invoice was sent before) are
/// held, not handled and not dropped, and credited once when it is enabled
/// again; a new pre-checkout while suspended is refused with the polite line.
async fn stars_paid_while_suspended(p: Platform, webhook: bool) {
    let id = p.add_shop(TG, "stars_pause_bot", &[ADMIN]).await.0;
    p.run(&["flag", "set", &id, "telegram_stars", "on"]).await.ok();
    p.run(&["flag", "set", &id, "card_to_card", "off"]).await.ok();
    p.run(&["config", "set", &id, "stars_rate", "1000"]).await.ok();
    let server = p.serve(webhook).await;
    let user = FakeUser::new(6565, "Arman").with_language("en");
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    press(&p, TG, &user, &methods, "Stars").await;
    let invoice = say(&p, TG, &user, updates::text(&user, "20,000")).await;
    let payload = invoice.params["payload"].as_str().unwrap().to_owned();

    // Suspended: a pre-checkout (once the server has noticed) is refused politely.
    p.run(&["bot", "suspend", &id]).await.ok();
    let deadline = Instant::now() + WAIT;
    let refusal = loop {
        let before = p.telegram.pre_checkout_answers(TG).len();
        p.telegram.push_update(TG, updates::pre_checkout(&user, "XTR", 20, &payload));
        while p.telegram.pre_checkout_answers(TG).len() == before {
            assert!(Instant::now() < deadline, "pre-checkout not answered");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let answer = p.telegram.pre_checkout_answers(TG).pop().unwrap();
        if answer["ok"] == false {
            break answer;
        }
        assert!(Instant::now() < deadline, "never refused while suspended");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let line = refusal["error_message"].as_str().unwrap_or_default();
    assert!(line.contains("temporarily unavailable"), "{refusal}");

    // Telegram took the Stars anyway (paid just before): held, not handled yet.
    p.telegram.push_update(TG, updates::successful_payment(&user, "XTR", 20, &payload, "charge_paused"));
    let held = "SELECT COUNT(*) FROM telegram_updates WHERE status = 'received' AND payload LIKE '%charge_paused%'";
    wait_until_count(&p, held, 1).await;
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(p.count("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key LIKE 'stars:%'").await, 0);
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 0);
    assert_eq!(p.count("SELECT COUNT(*) FROM payments WHERE status = 'pending'").await, 1);
    if !webhook {
        assert_eq!(p.telegram.pending_updates(TG), 0, "confirmed to Telegram once held");
    }

    // Enabled again: credited, once.
    p.run(&["bot", "enable", &id]).await.ok();
    wait_for_text(&p, TG, user.id, "confirmed").await;
    server.settled(&p, &[TG, TG_B]).await;
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 1);
    assert_eq!(wallet_in(&p, &id, user.id, "IRT").await, 20_000);
    assert_eq!(p.count("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'stars:charge_paused'").await, 1);
    assert_eq!(p.count(&held.replace("'received'", "'handled'")).await, 1);
    p.run(&["ledger", "check", &id]).await.ok();
    server.stop().await;
}

async fn stars_paid_while_suspended_webhook(p: Platform) {
    stars_paid_while_suspended(p, true).await;
}

async fn stars_paid_while_suspended_polling(p: Platform) {
    stars_paid_while_suspended(p, false).await;
}

on_both_backends!(
    stars_after_a_currency_change,
    approve_after_a_currency_change,
    stars_kept_when_crediting_fails,
    stars_paid_while_suspended_webhook,
    stars_paid_while_suspended_polling
);
