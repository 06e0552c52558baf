//! Every guided flow, left by Home, `/start` or another button, lets go of the
//! next text: a chat waits for one thing at a time, and a flow left behind
//! (a pending rejection reason, an unanswered promo question) never takes
//! the text meant for another. On both databases, through the real binary.

use crate::helpers;

use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{press, say, wait_for_text};

const TG: i64 = 9951;
const ADMIN: i64 = 7951;
const CUSTOMER: i64 = 5951;
const NOT_UNDERSTOOD: &str = "did not understand";

fn text(m: &SentMessage) -> String {
    m.text.clone().unwrap_or_default()
}

/// `/start` from `user`; the menu.
async fn start(p: &Platform, user: &FakeUser) -> SentMessage {
    say(p, TG, user, updates::command(user, "/start", None)).await
}

/// Sends a text and returns the bot's answer, which must be the "did not understand" line.
async fn not_taken(p: &Platform, user: &FakeUser, what: &str) {
    let answer = say(p, TG, user, updates::text(user, what)).await;
    assert!(text(&answer).contains(NOT_UNDERSTOOD), "{what:?} was taken by a flow left behind: {answer:?}");
}

async fn walk_away(p: Platform) {
    let panel = FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let id = p.add_shop(TG, "walk_shop_bot", &[ADMIN]).await.0;
    p.run(&["config", "set", &id, "default_language", "en"]).await.ok();
    p.run(&["config", "set", &id, "admin_chat_id", &ADMIN.to_string()]).await.ok();
    let squad = panel.default_squad();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    let number = bazar_testkit::card_number("603799123456789");
    p.run(&["card", "add", &id, "--number", &number, "--holder", "Ali Rezaei"]).await.ok();
    p.run(&["promo", "add", &id, "OFF20", "--percent", "20"]).await.ok();
    let server = p.serve(true).await;
    let user = FakeUser::new(CUSTOMER, "Sara").with_language("en");
    let admin = FakeUser::new(ADMIN, "Boss").with_language("en");
    start(&p, &admin).await;
    let bot = format!("bot_id = {id}");

    // A promo code asked for, then Home: the code typed later is not taken.
    let menu = start(&p, &user).await;
    let asked = press(&p, TG, &user, &menu, "Promo code").await;
    press(&p, TG, &user, &asked, "Back").await;
    not_taken(&p, &user, "OFF20").await;

    // Support asked for, then /start: no ticket.
    let menu = start(&p, &user).await;
    press(&p, TG, &user, &menu, "Write to support").await;
    start(&p, &user).await;
    not_taken(&p, &user, "my VPN is slow").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM tickets WHERE {bot}")).await, 0);

    // A top-up amount asked for, then another button: no payment.
    let menu = start(&p, &user).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    let amount = press(&p, TG, &user, &methods, "Card").await;
    assert!(text(&amount).contains("amount"), "{amount:?}");
    press(&p, TG, &user, &amount, "Back").await;
    not_taken(&p, &user, "50000").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM payments WHERE {bot}")).await, 0);

    // A card payment waiting for its receipt, then Home: a text is not a receipt.
    let menu = start(&p, &user).await;
    let wallet = press(&p, TG, &user, &menu, "Wallet").await;
    let methods = press(&p, TG, &user, &wallet, "Top up").await;
    press(&p, TG, &user, &methods, "Card").await;
    let details = say(&p, TG, &user, updates::text(&user, "50000")).await;
    assert!(text(&details).contains("Ali Rezaei"), "{details:?}");
    start(&p, &user).await;
    not_taken(&p, &user, "paid, ref 12345").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM payments WHERE {bot} AND status = 'pending'")).await, 1);

    // The receipt sent after all, as a photo (always taken as one); the admin presses Reject (the reason is
    // asked for), then opens /admin and writes to support as a customer of
    // their own shop: the text goes to support, not into the rejection.
    p.telegram.add_file(TG, "receipt_1", vec![1, 2, 3]);
    say(&p, TG, &user, updates::photo(&user, "receipt_1", Some("paid, ref 12345"))).await;
    let receipt = wait_for_text(&p, TG, ADMIN, "Payment #").await;
    press(&p, TG, &admin, &receipt, "Reject").await;
    let menu = start(&p, &admin).await;
    press(&p, TG, &admin, &menu, "Write to support").await;
    p.telegram.push_update(TG, updates::text(&admin, "a question from the owner"));
    wait_for_text(&p, TG, ADMIN, "Sent to support").await;
    let ticket = wait_for_text(&p, TG, ADMIN, "a question from the owner").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM payments WHERE {bot} AND status = 'submitted'")).await, 1);
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM tickets WHERE {bot}")).await, 1);

    // An admin's guided flow (adding a plan), then /start: no plan is made of the text.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let plans = press(&p, TG, &admin, &home, "Plans").await;
    press(&p, TG, &admin, &plans, "Add a plan").await;
    start(&p, &admin).await;
    not_taken(&p, &admin, "Weekly").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bot_plans WHERE {bot}")).await, 1);

    // A ticket answer asked for (Answer under the ticket), then another button: the text is not delivered.
    press(&p, TG, &admin, &ticket, "Answer").await;
    let menu = start(&p, &admin).await;
    press(&p, TG, &admin, &menu, "Wallet").await;
    not_taken(&p, &admin, "here is your answer").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM ticket_messages WHERE {bot} AND from_admin = TRUE")).await, 0);
    server.stop().await;
}

on_both_backends!(walk_away);
