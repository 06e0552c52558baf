//! The tenant admin's management menus driven as an admin would, through the
//! real `bazar serve` and the fake Telegram, on both databases: customers
//! (search, wallet adjustment that posts once however often the reason is
//! sent, ban / unban), subscriptions (extend with a refused answer first, a new
//! link, disable), tickets (answer, close), plans (add with a refused step,
//! publish, reorder, withdraw), cards (a bad number asked again, disable),
//! features and configuration, promo codes.

use crate::helpers;

use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{WAIT, button, count_texts, press, say, wait_for_text};
use std::time::Duration;

const TG: i64 = 7301;
const ADMIN: i64 = 730_100;
const CUSTOMER: i64 = 730_200;

fn text(message: &SentMessage) -> String {
    message.text.clone().unwrap_or_default()
}

/// Presses the `index`-th button of the keyboard row whose first button contains `row_label`.
async fn press_in_row(
    p: &Platform,
    user: &FakeUser,
    message: &SentMessage,
    row_label: &str,
    index: usize,
) -> SentMessage {
    let markup = message.reply_markup.as_ref().expect("a keyboard");
    let row = markup["inline_keyboard"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row[0]["text"].as_str().unwrap_or_default().contains(row_label))
        .unwrap_or_else(|| panic!("no row {row_label:?} in {markup}"));
    let data = row[index]["callback_data"].as_str().unwrap().to_owned();
    say(p, TG, user, updates::callback(user, message.message_id, &data)).await
}

/// A shop with a plan, a customer who bought it, and an open ticket.
async fn shop(p: &mut Platform) -> (String, FakeRemnawave, helpers::Server) {
    let panel = FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let id = p.add_shop(TG, "manage_shop_bot", &[ADMIN]).await.0;
    p.run(&["config", "set", &id, "admin_chat_id", &ADMIN.to_string()]).await.ok();
    p.run(&["config", "set", &id, "default_language", "en"]).await.ok();
    let squad = panel.default_squad();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    let server = p.serve(true).await;
    (id, panel, server)
}

async fn customer_with_subscription_and_ticket(p: &Platform, id: &str) -> FakeUser {
    let user = FakeUser::new(CUSTOMER, "Sara").with_username("sara_k").with_language("en");
    let menu = say(p, TG, &user, updates::command(&user, "/start", None)).await;
    p.run(&["wallet", "adjust", id, &CUSTOMER.to_string(), "150000", "--reason", "gift"]).await.ok();
    let plans = press(p, TG, &user, &menu, "Buy").await;
    let summary = press(p, TG, &user, &plans, "Monthly").await;
    press(p, TG, &user, &summary, "Pay").await;
    wait_for_text(p, TG, CUSTOMER, "ready until").await;
    let menu = say(p, TG, &user, updates::command(&user, "/start", None)).await;
    press(p, TG, &user, &menu, "Write to support").await;
    say(p, TG, &user, updates::text(&user, "my VPN is slow")).await;
    wait_for_text(p, TG, ADMIN, "my VPN is slow").await;
    user
}

/// Waits for a button press to be answered with a toast containing `needle`.
async fn wait_for_answer(p: &Platform, needle: &str) {
    let deadline = std::time::Instant::now() + helpers::chat::WAIT;
    while !p.telegram.callback_answers(TG).iter().any(|a| a["text"].as_str().unwrap_or_default().contains(needle)) {
        assert!(std::time::Instant::now() < deadline, "no answer containing {needle:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn balance_line(out: &str) -> String {
    out.lines().find(|l| l.contains("balance")).unwrap_or(out).to_owned()
}

async fn customers_subscriptions_tickets(mut p: Platform) {
    let (id, panel, server) = shop(&mut p).await;
    let user = customer_with_subscription_and_ticket(&p, &id).await;
    let admin = FakeUser::new(ADMIN, "Boss").with_language("en");
    let bot = &format!("bot_id = {id}");

    // Search by @username finds the one customer and shows them.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let list = press(&p, TG, &admin, &home, "Customers").await;
    assert!(text(&list).contains("Customers"), "{list:?}");
    let ask = press(&p, TG, &admin, &list, "Search").await;
    assert!(text(&ask).contains("username"), "{ask:?}");
    let view = say(&p, TG, &admin, updates::text(&admin, "@SARA")).await;
    let shown = text(&view);
    assert!(shown.contains("Sara (@sara_k)") && shown.contains("50,000 IRT"), "{shown}");

    // A wallet adjustment: a refused amount is asked again; the reason sent twice posts once.
    let ask = press(&p, TG, &admin, &view, "Adjust wallet").await;
    assert!(text(&ask).contains("50,000"), "{ask:?}");
    let again = say(&p, TG, &admin, updates::text(&admin, "-60000")).await;
    assert!(text(&again).contains("does not hold"), "{again:?}");
    let reason = say(&p, TG, &admin, updates::text(&admin, "۲۵,۰۰۰")).await;
    assert!(text(&reason).contains("Why?"), "{reason:?}");
    p.telegram.push_update(TG, updates::text(&admin, "goodwill for the outage"));
    p.telegram.push_update(TG, updates::text(&admin, "goodwill for the outage"));
    let posted = wait_for_text(&p, TG, ADMIN, "Posted").await;
    assert!(text(&posted).contains("75,000 IRT"), "{posted:?}");
    wait_for_text(&p, TG, ADMIN, "did not understand").await;
    wait_for_text(&p, TG, CUSTOMER, "wallet was adjusted").await;
    let wallet = p.run(&["wallet", "show", &id, &CUSTOMER.to_string()]).await.ok().stdout.clone();
    assert!(balance_line(&wallet).contains("75,000"), "{wallet}");
    let adjustments = format!(
        "SELECT COUNT(*) FROM ledger_entries WHERE {bot} AND kind = 'adjustment' AND amount = 25000 \
         AND reference = 'bot:{ADMIN}: goodwill for the outage'"
    );
    assert_eq!(p.count(&adjustments).await, 1, "posted once, naming the admin");
    p.run(&["ledger", "check", &id]).await.ok();

    // Ban, then unban: while banned the customer is ignored. (The second reason
    // above was answered with a fresh main menu, so the admin opens the menu again.)
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let list = press(&p, TG, &admin, &home, "Customers").await;
    let view = press(&p, TG, &admin, &list, "Sara").await;
    let view = press(&p, TG, &admin, &view, "Ban").await;
    assert!(text(&view).contains("banned"), "{view:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM customers WHERE {bot} AND banned = TRUE")).await, 1);
    let before = p.telegram.sent_to(TG, CUSTOMER).len();
    p.telegram.push_update(TG, updates::command(&user, "/start", None));
    server.settled(&p, &[TG]).await;
    assert_eq!(p.telegram.sent_to(TG, CUSTOMER).len(), before, "a banned customer gets no answer");
    let view = press(&p, TG, &admin, &view, "Unban").await;
    assert!(text(&view).contains("active"), "{view:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM customers WHERE {bot} AND banned = TRUE")).await, 0);

    // An admin cannot be banned (it would lock them out of this very menu).
    let list = press(&p, TG, &admin, &view, "Back").await;
    let own = press(&p, TG, &admin, &list, "Boss").await;
    let ban = helpers::chat::button(&own, "Ban");
    p.telegram.push_update(TG, updates::callback(&admin, own.message_id, &ban));
    wait_for_answer(&p, "cannot be banned").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM customers WHERE {bot} AND banned = TRUE")).await, 0);
    let list = press(&p, TG, &admin, &own, "Back").await;
    let view = press(&p, TG, &admin, &list, "Sara").await;

    // The subscription, from the customer's view: extend (a refused answer first), new link, disable.
    let sub = press(&p, TG, &admin, &view, "Subscription #").await;
    assert!(text(&sub).contains("Monthly") && text(&sub).contains("active"), "{sub:?}");
    let end_before = p.count(&format!("SELECT expires_at FROM subscriptions WHERE {bot}")).await;
    let ask = press(&p, TG, &admin, &sub, "Extend").await;
    let refused = say(&p, TG, &admin, updates::text(&admin, "a week")).await;
    assert!(text(&refused).contains("from 1 to 3650") && text(&refused).contains("How many days"), "{refused:?}");
    let _ = ask;
    let sub = say(&p, TG, &admin, updates::text(&admin, "10")).await;
    assert!(text(&sub).contains("Extended by 10 days"), "{sub:?}");
    let end_after = p.count(&format!("SELECT expires_at FROM subscriptions WHERE {bot}")).await;
    assert_eq!(end_after - end_before, 10 * 86_400_000);
    wait_for_text(&p, TG, CUSTOMER, "renewed").await;

    let old_link = p.count(&format!("SELECT LENGTH(subscription_url) FROM subscriptions WHERE {bot}")).await;
    assert!(old_link > 0);
    let confirm = press(&p, TG, &admin, &sub, "New link").await;
    press(&p, TG, &admin, &confirm, "Yes, issue").await;
    let notice = wait_for_text(&p, TG, CUSTOMER, "has a new link").await;
    assert!(text(&notice).contains("Subscription #"), "{notice:?}");
    let users = panel.users();
    assert_eq!(users.len(), 1);

    let sub = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let list = press(&p, TG, &admin, &sub, "Subscriptions").await;
    let sub = press(&p, TG, &admin, &list, "active").await;
    let confirm = press(&p, TG, &admin, &sub, "Disable").await;
    assert!(text(&confirm).contains("Disable subscription"), "{confirm:?}");
    let sub = press(&p, TG, &admin, &confirm, "Yes, disable").await;
    assert!(text(&sub).contains("disabled"), "{sub:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM subscriptions WHERE {bot} AND status = 'disabled'")).await, 1);

    // Tickets: the open one, answered and closed.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let tickets = press(&p, TG, &admin, &home, "Tickets").await;
    let thread = press(&p, TG, &admin, &tickets, "Sara").await;
    assert!(text(&thread).contains("my VPN is slow"), "{thread:?}");
    let ask = press(&p, TG, &admin, &thread, "Answer").await;
    assert!(text(&ask).contains("Write your answer"), "{ask:?}");
    let sent = say(&p, TG, &admin, updates::text(&admin, "we are on it")).await;
    assert!(text(&sent).contains("was sent"), "{sent:?}");
    wait_for_text(&p, TG, CUSTOMER, "we are on it").await;
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let tickets = press(&p, TG, &admin, &home, "Tickets").await;
    let all = press(&p, TG, &admin, &tickets, "All tickets").await;
    let thread = press(&p, TG, &admin, &all, "Sara").await;
    assert!(text(&thread).contains("we are on it"), "{thread:?}");
    press(&p, TG, &admin, &thread, "Close").await;
    wait_for_text(&p, TG, CUSTOMER, "was closed").await;
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM tickets WHERE {bot} AND status = 'closed'")).await, 1);
    assert_eq!(count_texts(&p, TG, CUSTOMER, "was closed"), 1);
}

/// Waits until more than `before` button presses were answered; returns the last answer's text.
async fn wait_until_answered(p: &Platform, before: usize) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let answers = p.telegram.callback_answers(TG);
        if answers.len() > before {
            return answers.last().unwrap()["text"].as_str().unwrap_or_default().to_owned();
        }
        assert!(std::time::Instant::now() < deadline, "the press was not answered");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn catalog_and_settings(mut p: Platform) {
    let (id, panel, _server) = shop(&mut p).await;
    let admin = FakeUser::new(ADMIN, "Boss").with_language("en");
    let bot = &format!("bot_id = {id}");

    // A plan, with one refused step asked again; published, moved up, withdrawn.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let plans = press(&p, TG, &admin, &home, "Plans").await;
    let ask = press(&p, TG, &admin, &plans, "Add a plan").await;
    assert!(text(&ask).contains("name"), "{ask:?}");
    say(&p, TG, &admin, updates::text(&admin, "Weekly")).await;
    let refused = say(&p, TG, &admin, updates::text(&admin, "0")).await;
    assert!(text(&refused).contains("duration must be") && text(&refused).contains("How many days"), "{refused:?}");
    say(&p, TG, &admin, updates::text(&admin, "7")).await;
    say(&p, TG, &admin, updates::text(&admin, "50")).await;
    say(&p, TG, &admin, updates::text(&admin, "2")).await;
    let draft = say(&p, TG, &admin, updates::text(&admin, "30000")).await;
    assert!(text(&draft).contains("draft") && text(&draft).contains("30,000 IRT"), "{draft:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bot_plans WHERE {bot} AND active = FALSE")).await, 1);
    let published = press(&p, TG, &admin, &draft, "Publish").await;
    assert!(text(&published).contains("Offered to customers"), "{published:?}");
    let weekly = format!("SELECT sort FROM bot_plans WHERE {bot} AND name_en = 'Weekly'");
    let monthly = format!("SELECT sort FROM bot_plans WHERE {bot} AND name_en = 'Monthly'");
    assert!(p.count(&weekly).await > p.count(&monthly).await);
    let plans = press(&p, TG, &admin, &published, "Back").await;
    let plans = press_in_row(&p, &admin, &plans, "Weekly", 1).await;
    assert!(p.count(&weekly).await < p.count(&monthly).await, "moved up");
    let first_row = plans.reply_markup.as_ref().unwrap()["inline_keyboard"][1][0]["text"].clone();
    assert!(first_row.as_str().unwrap().contains("Weekly"), "{first_row}");
    let view = press(&p, TG, &admin, &plans, "Weekly").await;
    let view = press(&p, TG, &admin, &view, "Withdraw").await;
    assert!(text(&view).contains("Not offered"), "{view:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bot_plans WHERE {bot} AND active = TRUE")).await, 1);

    // Its panel options, picked from what the panel has: a squad added on the
    // panel shows up after ↻ (a job reads the panel; the menu never waits on it).
    assert!(text(&view).contains("Panel options: Default-Squad"), "{view:?}");
    let germany = panel.add_squad("Germany");
    let options = press(&p, TG, &admin, &view, "Panel options").await;
    assert!(!text(&options).contains("Germany"), "not read yet: {options:?}");
    let toasts = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&admin, options.message_id, &button(&options, "Read again")));
    wait_until_answered(&p, toasts).await;
    let deadline = std::time::Instant::now() + WAIT;
    while p.count("SELECT COUNT(*) FROM panels WHERE catalog LIKE '%Germany%'").await == 0 {
        assert!(std::time::Instant::now() < deadline, "the catalog was not read again");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let view = press(&p, TG, &admin, &options, "Back").await;
    let options = press(&p, TG, &admin, &view, "Panel options").await;
    let options = press(&p, TG, &admin, &options, "Germany").await;
    let options = press(&p, TG, &admin, &options, "Default-Squad").await;
    assert!(text(&options).contains("Chosen: Germany"), "{options:?}");
    let weekly_options = format!(
        "SELECT COUNT(*) FROM bot_plans WHERE {bot} AND name_en = 'Weekly' AND panel_options LIKE '%{germany}%'"
    );
    assert_eq!(p.count(&weekly_options).await, 1);
    // Taking the last squad away is refused with the reason; nothing changes.
    let toasts = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&admin, options.message_id, &button(&options, "Germany")));
    let answer = wait_until_answered(&p, toasts).await;
    assert!(answer.contains("Choose the plan's panel options first"), "{answer}");
    assert_eq!(p.count(&weekly_options).await, 1);

    // A card: a number failing the Luhn check is asked again; added; disabled.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let cards = press(&p, TG, &admin, &home, "Payment cards").await;
    let ask = press(&p, TG, &admin, &cards, "Add a card").await;
    assert!(text(&ask).contains("card number"), "{ask:?}");
    let number = bazar_testkit::card_number("603799123456789");
    let last = number.as_bytes()[15] - b'0';
    let mistyped = format!("{}{}", &number[..15], (last + 1) % 10);
    let refused = say(&p, TG, &admin, updates::text(&admin, &mistyped)).await;
    assert!(text(&refused).contains("check digit") && text(&refused).contains("(16 digits)"), "{refused:?}");
    say(&p, TG, &admin, updates::text(&admin, &number)).await;
    say(&p, TG, &admin, updates::text(&admin, "Ali Rezaei")).await;
    let card = say(&p, TG, &admin, updates::text(&admin, "5,000,000")).await;
    let shown = text(&card);
    assert!(shown.contains("Card added") && shown.contains("603799******") && !shown.contains(&number), "{shown}");
    assert!(shown.contains("0 IRT / 5,000,000 IRT"), "{shown}");
    let card = press(&p, TG, &admin, &card, "Disable").await;
    assert!(text(&card).contains("Not shown"), "{card:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM payment_cards WHERE {bot} AND active = FALSE")).await, 1);

    // Features and configuration: a switch, and a value refused then accepted.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let features = press(&p, TG, &admin, &home, "Features").await;
    let features = press(&p, TG, &admin, &features, "trial").await;
    assert!(text(&features).contains("Features"));
    let flag = format!("SELECT COUNT(*) FROM bot_feature_flags WHERE {bot} AND key = 'trial' AND enabled = TRUE");
    assert_eq!(p.count(&flag).await, 1);
    let config = press(&p, TG, &admin, &features, "Configuration").await;
    let ask = press(&p, TG, &admin, &config, "trial_days").await;
    assert!(text(&ask).contains("trial_days"), "{ask:?}");
    let refused = say(&p, TG, &admin, updates::text(&admin, "99")).await;
    assert!(text(&refused).contains("invalid value") && text(&refused).contains("trial_days"), "{refused:?}");
    let saved = say(&p, TG, &admin, updates::text(&admin, "3")).await;
    assert!(text(&saved).contains("trial_days = 3"), "{saved:?}");
    let stored = format!("SELECT COUNT(*) FROM bot_configurations WHERE {bot} AND key = 'trial_days' AND value = '3'");
    assert_eq!(p.count(&stored).await, 1);
    assert!(!text(&config).contains("max_customers"), "platform-only keys are not offered");
    // Customers see the switched-on trial at once.
    let visitor = FakeUser::new(CUSTOMER, "Visitor").with_language("en");
    let menu = say(&p, TG, &visitor, updates::command(&visitor, "/start", None)).await;
    assert!(helpers::chat::button(&menu, "Free trial").starts_with("v1."), "{menu:?}");

    // A promo code: a refused value asked again; added; switched off.
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let promos = press(&p, TG, &admin, &home, "Promo codes").await;
    let kinds = press(&p, TG, &admin, &promos, "Add a code").await;
    press(&p, TG, &admin, &kinds, "Percent off").await;
    say(&p, TG, &admin, updates::text(&admin, "spring-26")).await;
    let refused = say(&p, TG, &admin, updates::text(&admin, "150")).await;
    assert!(text(&refused).contains("percent must be 1-100"), "{refused:?}");
    say(&p, TG, &admin, updates::text(&admin, "20")).await;
    say(&p, TG, &admin, updates::text(&admin, "100")).await;
    let promo = say(&p, TG, &admin, updates::text(&admin, "30")).await;
    assert!(text(&promo).contains("SPRING-26: 20%") && text(&promo).contains("of 100"), "{promo:?}");
    let promo = press(&p, TG, &admin, &promo, "Disable").await;
    assert!(text(&promo).contains("Switched off"), "{promo:?}");
    let stored = format!(
        "SELECT COUNT(*) FROM promo_codes WHERE {bot} AND code = 'SPRING-26' AND kind = 'percent' AND value = 20 \
         AND max_uses = 100 AND active = FALSE AND ends_at IS NOT NULL"
    );
    assert_eq!(p.count(&stored).await, 1);
}

on_both_backends!(customers_subscriptions_tickets, catalog_and_settings);
