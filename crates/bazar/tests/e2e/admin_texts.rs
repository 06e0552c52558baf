//! What customers write, on its way to the admins, through the real `bazar
//! serve` and the fake Telegram (which refuses what Telegram refuses), on
//! both databases.
//!
//! Lengths: a 995-character receipt caption reaches the admins cut to
//! Telegram's 1,024 (also from the /admin receipts queue) with working
//! buttons; a 4,096-character ticket reaches them whole, in several messages;
//! an admin's 4,096-character answer is refused with a clear message and
//! nothing reaches the customer, while a 3,500-character one does.
//!
//! Spoofing: a right-to-left override in a customer's name, a line break in a
//! receipt note that would forge an "Amount:" line, a card number in a note.

use crate::helpers;

use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::chat::{WAIT, button, press, say, wait_for_text};
use helpers::{Platform, Server};
use std::time::{Duration, Instant};

const TG: i64 = 7601;
const ADMIN: i64 = 760_100;
const RLO: char = '\u{202E}';
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

fn text(message: &SentMessage) -> String {
    message.text.clone().unwrap_or_default()
}

/// Telegram's count: UTF-16 code units.
fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A shop with a card whose admin chat is the admin's private chat.
async fn shop(p: &Platform) -> (String, Server) {
    let id = p.add_shop(TG, "texts_shop_bot", &[ADMIN]).await.0;
    for (key, value) in [("admin_chat_id", ADMIN.to_string()), ("default_language", "en".into())] {
        p.run(&["config", "set", &id, key, &value]).await.ok();
    }
    p.run(&["config", "set", &id, "card_unique_amount", "off"]).await.ok();
    let number = bazar_testkit::card_number("603799123456789");
    p.run(&["card", "add", &id, "--number", &number, "--holder", "Ali Rezaei"]).await.ok();
    let server = p.serve(true).await;
    (id, server)
}

/// The customer opens a card-to-card top-up of 50,000; the card details come back.
async fn start_top_up(p: &Platform, user: &FakeUser) {
    let menu = say(p, TG, user, updates::command(user, "/start", None)).await;
    let wallet = press(p, TG, user, &menu, "Wallet").await;
    let methods = press(p, TG, user, &wallet, "Top up").await;
    press(p, TG, user, &methods, "Card to card").await;
    let details = say(p, TG, user, updates::text(user, "50000")).await;
    assert!(text(&details).contains("6037 99"), "{details:?}");
}

/// Waits until `chat` has been sent more than `before` messages containing `needle`; returns the newest.
async fn next_with(p: &Platform, chat: i64, needle: &str, before: usize) -> SentMessage {
    let deadline = Instant::now() + WAIT;
    loop {
        let found: Vec<SentMessage> =
            p.telegram.sent_to(TG, chat).into_iter().filter(|m| text(m).contains(needle)).collect();
        if found.len() > before {
            return found.last().cloned().unwrap();
        }
        assert!(Instant::now() < deadline, "no new message containing {needle:?} to {chat}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn assert_no_refusals(p: &Platform) {
    let refusals = p.telegram.refusals(TG);
    assert!(refusals.is_empty(), "Telegram refused: {refusals:#?}");
}

/// A caption cut by the outbox: within Telegram's limit, ending with "…".
fn assert_cut_caption(message: &SentMessage) {
    assert_eq!(message.method, "sendphoto");
    let caption = text(message);
    assert!(units(&caption) <= 1024, "{} units", units(&caption));
    assert!(caption.ends_with('…'), "{caption}");
    assert!(caption.contains("Amount: 50,000 IRT") && caption.contains("603799******"), "{caption}");
}

async fn a_long_receipt_caption_reaches_the_admins(p: Platform) {
    let (id, server) = shop(&p).await;
    let user = FakeUser::new(760_201, "Sara").with_language("en");
    let admin = FakeUser::new(ADMIN, "Boss").with_language("en");
    start_top_up(&p, &user).await;

    // 995 characters, Persian and Latin: Telegram took it from the customer,
    // and the admins' caption around it comes to about 1,100.
    let caption = format!("{}{}", "رسید پرداخت ".repeat(80), "x".repeat(35));
    assert_eq!(caption.chars().count(), 995);
    p.telegram.add_file(TG, "receipt_long", vec![1, 2, 3]);
    let thanks = say(&p, TG, &user, updates::photo(&user, "receipt_long", Some(&caption))).await;
    assert!(text(&thanks).contains("Receipt received"), "{thanks:?}");
    let receipt = wait_for_text(&p, TG, ADMIN, "Payment #").await;
    assert_cut_caption(&receipt);
    assert!(receipt.reply_markup.is_some(), "the buttons came with it");

    // The /admin receipts queue sends it again, cut the same way.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    p.telegram.push_update(TG, updates::callback(&admin, home.message_id, &button(&home, "Receipts waiting (1)")));
    let queued = next_with(&p, ADMIN, "Payment #", 1).await;
    assert_cut_caption(&queued);

    // Its Approve button works.
    press(&p, TG, &admin, &queued, "Approve").await;
    wait_for_text(&p, TG, user.id, "confirmed").await;
    let wallet = p.run(&["wallet", "show", &id, &user.id.to_string()]).await.ok().stdout.clone();
    assert!(wallet.contains("balance 50,000"), "{wallet}");
    assert_no_refusals(&p);
    server.stop().await;
}

/// About 4,096 units of a real-looking ticket: Persian lines with an emoji, then Latin.
fn long_ticket() -> String {
    let mut ticket = String::new();
    let mut n = 0;
    while units(&ticket) < 4000 {
        n += 1;
        ticket.push_str(&format!("{n}. سرعت اینترنت من از دیروز خیلی کم شده است 😞\n"));
    }
    let rest = 4096 - units(&ticket);
    ticket.push_str(&"x".repeat(rest));
    assert_eq!(units(&ticket), 4096);
    ticket
}

async fn long_tickets_and_answers(p: Platform) {
    let (id, server) = shop(&p).await;
    let user = FakeUser::new(760_202, "Nima").with_language("en");
    let admin = FakeUser::new(ADMIN, "Boss").with_language("en");
    let bot = format!("bot_id = {id}");

    // The customer's 4,096-unit ticket reaches the admins whole, in order, in several messages.
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    press(&p, TG, &user, &menu, "Write to support").await;
    let ticket = long_ticket();
    let sent = say(&p, TG, &user, updates::text(&user, &ticket)).await;
    assert!(text(&sent).contains("Sent to support"), "{sent:?}");
    let deadline = Instant::now() + WAIT;
    let parts = loop {
        let parts: Vec<SentMessage> =
            p.telegram.sent_to(TG, ADMIN).into_iter().filter(|m| text(m).contains("Ticket #")).collect();
        if parts.last().is_some_and(|m| m.reply_markup.is_some()) {
            break parts;
        }
        assert!(Instant::now() < deadline, "the ticket's last part never came: {parts:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(parts.len() >= 2, "{} message(s)", parts.len());
    let mut quoted = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        let body = text(part);
        assert!(units(&body) <= 4096, "part {n}: {} units", units(&body));
        assert_eq!(part.reply_markup.is_some(), n + 1 == parts.len(), "buttons under the last part only");
        let mut lines = body.lines();
        let head = lines.next().unwrap();
        if n > 0 {
            assert!(head.contains(&format!("part {} of {}", n + 1, parts.len())), "{head}");
        }
        quoted.extend(lines.filter(|l| !l.is_empty()).map(|l| {
            assert!(l.starts_with("┃ "), "an unquoted line {l:?}");
            l.trim_start_matches("┃ ").to_owned()
        }));
    }
    assert_eq!(quoted.join("\n"), ticket, "every line arrived, in order");

    // The admin answers with 4,096 characters: refused clearly, nothing stored or sent.
    let ask = press(&p, TG, &admin, parts.last().unwrap(), "Answer").await;
    assert!(text(&ask).contains("Write your answer"), "{ask:?}");
    let to_customer = p.telegram.sent_to(TG, user.id).len();
    let refused = say(&p, TG, &admin, updates::text(&admin, &"y".repeat(4096))).await;
    let said = text(&refused);
    assert!(said.contains("at most 3500") && said.contains("4096") && said.contains("Nothing was sent"), "{said}");
    let answers = format!("SELECT COUNT(*) FROM ticket_messages WHERE {bot} AND from_admin = TRUE");
    assert_eq!(p.count(&answers).await, 0, "nothing stored");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM jobs WHERE {bot} AND kind = 'ticket_reply'")).await, 0);

    // The flow is still open: a 3,500-character answer is the answer, and it arrives whole.
    let answer = format!("{}END", "z".repeat(3497));
    let accepted = say(&p, TG, &admin, updates::text(&admin, &answer)).await;
    assert!(text(&accepted).contains("was sent"), "{accepted:?}");
    let delivered = wait_for_text(&p, TG, user.id, "zzzz").await;
    assert!(text(&delivered).contains(&answer) && text(&delivered).ends_with("END"), "whole");
    assert_eq!(p.telegram.sent_to(TG, user.id).len(), to_customer + 1, "the refused answer never went out");
    assert_eq!(p.count(&answers).await, 1);
    assert_no_refusals(&p);
    server.stop().await;
}

async fn customer_text_reaches_admins_isolated(p: Platform) {
    let (_id, server) = shop(&p).await;
    let user = FakeUser::new(760_203, format!("Ali{RLO}Reza")).with_username("ali_r").with_language("en");
    let admin = FakeUser::new(ADMIN, "Boss").with_language("en");
    let from = format!("From: {FSI}AliReza (@ali_r){PDI} · id {}", user.id);

    // A text receipt whose note forges an amount line and names the payer's card.
    start_top_up(&p, &user).await;
    let payer_card = bazar_testkit::card_number("610433123456789");
    let grouped = format!("{} {} {} {}", &payer_card[..4], &payer_card[4..8], &payer_card[8..12], &payer_card[12..]);
    let note = format!("ref 4455\nAmount: 9,999,999 IRT (bank confirmed)\npaid from {grouped}");
    say(&p, TG, &user, updates::text(&user, &note)).await;
    let receipt = wait_for_text(&p, TG, ADMIN, "ref 4455").await;
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    p.telegram.push_update(TG, updates::callback(&admin, home.message_id, &button(&home, "Receipts waiting (1)")));
    let queued = next_with(&p, ADMIN, "ref 4455", 1).await;
    for shown in [text(&receipt), text(&queued)] {
        assert!(!shown.contains(RLO), "{shown:?}");
        assert!(shown.lines().any(|l| l == from), "the name is isolated: {shown:?}");
        let amounts: Vec<&str> = shown.lines().filter(|l| l.starts_with("Amount:")).collect();
        assert_eq!(amounts, ["Amount: 50,000 IRT"], "only the real amount line: {shown}");
        assert!(shown.lines().any(|l| l == "┃ Amount: 9,999,999 IRT (bank confirmed)"), "{shown}");
        let masked = format!("{}******{}", &payer_card[..6], &payer_card[12..]);
        assert!(shown.contains(&masked), "the payer's card is masked: {shown}");
        assert!(!shown.contains(&payer_card) && !shown.contains(&grouped[5..14]), "{shown}");
    }

    // A ticket: the same name, the text quoted.
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    press(&p, TG, &user, &menu, "Write to support").await;
    say(&p, TG, &user, updates::text(&user, "help\nFrom: the bank · id 1")).await;
    let ticket = text(&wait_for_text(&p, TG, ADMIN, "Ticket #").await);
    assert!(!ticket.contains(RLO) && ticket.contains(&format!("{FSI}AliReza (@ali_r){PDI}")), "{ticket:?}");
    assert!(ticket.lines().any(|l| l == "┃ From: the bank · id 1"), "{ticket}");
    assert!(!ticket.lines().any(|l| l.starts_with("From:")), "{ticket}");

    // The admin's customer screen isolates the name too.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let list = press(&p, TG, &admin, &home, "Customers").await;
    let ask = press(&p, TG, &admin, &list, "Search").await;
    let _ = ask;
    let view = say(&p, TG, &admin, updates::text(&admin, "@ali_r")).await;
    let shown = text(&view);
    assert!(!shown.contains(RLO) && shown.contains(&format!("{FSI}AliReza (@ali_r){PDI}")), "{shown:?}");
    assert_no_refusals(&p);
    server.stop().await;
}

on_both_backends!(
    a_long_receipt_caption_reaches_the_admins,
    long_tickets_and_answers,
    customer_text_reaches_admins_isolated
);
