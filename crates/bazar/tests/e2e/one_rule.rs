//! One rule, one place: the same bad inputs fed to the CLI, the REST API and
//! the admin menus are refused by all three, for the same reason (worded for
//! each), and nothing is written. Plans, cards and promo codes, on both
//! databases.

use crate::helpers;

use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{press, say};
use serde_json::{Value, json};

const TG: i64 = 9981;
const ADMIN: i64 = 7981;

/// One bad input, as each interface takes it.
struct Case {
    what: &'static str,
    /// `bazar …` arguments after the bot id's command and id.
    cli: Vec<&'static str>,
    /// The API call's path and body.
    api: (&'static str, Value),
    /// The field the API names.
    field: &'static str,
    /// The admin-menu flow: the buttons to press from /admin, then the texts to send; the last one is refused.
    bot: (Vec<&'static str>, Vec<&'static str>),
    /// What each interface's answer contains: CLI, API, bot.
    says: [&'static str; 3],
}

fn cases() -> Vec<Case> {
    let card = bazar_testkit::card_number("603799123456789");
    let card: &'static str = Box::leak(card.into_boxed_str());
    let plan_flow = vec!["Plans", "Add a plan"];
    vec![
        Case {
            what: "a plan lasting no days",
            cli: vec!["plan", "add", "--name", "X", "--days", "0", "--price", "1"],
            api: ("/plans", json!({"names": {"en": "X"}, "days": 0, "price": 1})),
            field: "days",
            bot: (plan_flow.clone(), vec!["X", "0"]),
            says: ["duration must be 1 to 3650 days"; 3],
        },
        Case {
            what: "a plan with too much traffic",
            cli: vec!["plan", "add", "--name", "X", "--days", "30", "--traffic-gb", "200000", "--price", "1"],
            api: ("/plans", json!({"names": {"en": "X"}, "days": 30, "traffic_gb": 200000, "price": 1})),
            field: "traffic_gb",
            bot: (plan_flow.clone(), vec!["X", "30", "200000"]),
            says: ["traffic must be"; 3],
        },
        Case {
            what: "a plan for too many devices",
            cli: vec!["plan", "add", "--name", "X", "--days", "30", "--devices", "101", "--price", "1"],
            api: ("/plans", json!({"names": {"en": "X"}, "days": 30, "devices": 101, "price": 1})),
            field: "devices",
            bot: (plan_flow.clone(), vec!["X", "30", "0", "101"]),
            says: ["device limit must be 1 to 100"; 3],
        },
        Case {
            what: "a plan priced beyond any price",
            cli: vec!["plan", "add", "--name", "X", "--days", "30", "--price", "1000000000000000001"],
            api: ("/plans", json!({"names": {"en": "X"}, "days": 30, "price": 1_000_000_000_000_000_001i64})),
            field: "price",
            bot: (plan_flow.clone(), vec!["X", "30", "0", "0", "1000000000000000001"]),
            says: ["price must be a whole amount from 0 to 1,000,000,000,000,000"; 3],
        },
        Case {
            what: "a card holder with a line break",
            cli: vec!["card", "add", "--number", card, "--holder", "Ali\nRezaei"],
            api: ("/payment-cards", json!({"number": card, "holder": "Ali\nRezaei"})),
            field: "holder",
            bot: (vec!["Payment cards", "Add a card"], vec![card, "Ali\u{7}Rezaei"]),
            says: ["name must be 1 to 64 characters"; 3],
        },
        Case {
            what: "a card number failing its check digit",
            cli: vec!["card", "add", "--number", "6037991234567811", "--holder", "Ali"],
            api: ("/payment-cards", json!({"number": "6037991234567811", "holder": "Ali"})),
            field: "number",
            bot: (vec!["Payment cards", "Add a card"], vec!["6037991234567811"]),
            says: ["check digit"; 3],
        },
        Case {
            what: "a promo code too short",
            cli: vec!["promo", "add", "x", "--percent", "5"],
            api: ("/promo-codes", json!({"code": "x", "kind": "percent", "value": 5})),
            field: "code",
            bot: (vec!["Promo codes", "Add a code", "Percent off"], vec!["x"]),
            says: ["promo code is 3 to 32"; 3],
        },
        Case {
            what: "a discount over 100 percent",
            cli: vec!["promo", "add", "half", "--percent", "150"],
            api: ("/promo-codes", json!({"code": "half", "kind": "percent", "value": 150})),
            field: "value",
            bot: (vec!["Promo codes", "Add a code", "Percent off"], vec!["half", "150"]),
            says: ["percent must be 1-100"; 3],
        },
    ]
}

async fn counts(p: &Platform, bot: &str) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["bot_plans", "payment_cards", "promo_codes"] {
        counts.push(p.count(&format!("SELECT COUNT(*) FROM {table} WHERE bot_id = {bot}")).await);
    }
    counts
}

async fn through_the_bot(p: &Platform, admin: &FakeUser, presses: &[&str], texts: &[&str]) -> String {
    let mut screen: SentMessage = say(p, TG, admin, updates::command(admin, "/admin", None)).await;
    for label in presses {
        screen = press(p, TG, admin, &screen, label).await;
    }
    for text in texts {
        screen = say(p, TG, admin, updates::text(admin, text)).await;
    }
    screen.text.unwrap_or_default()
}

async fn one_rule(p: Platform) {
    let (id, token) = p.add_shop(TG, "rule_shop_bot", &[ADMIN]).await;
    p.run(&["config", "set", &id, "default_language", "en"]).await.ok();
    let server = p.serve(true).await;
    let http = reqwest::Client::new();
    let admin = FakeUser::new(ADMIN, "Boss").with_language("en");
    let before = counts(&p, &id).await;
    for case in cases() {
        let [cli_says, api_says, bot_says] = case.says;
        let mut args = vec![case.cli[0], case.cli[1], id.as_str()];
        args.extend_from_slice(&case.cli[2..]);
        p.run(&args).await.fails_with(cli_says);

        let (path, body) = &case.api;
        let answer =
            http.post(format!("{}/api/v1{path}", server.url())).bearer_auth(&token).json(body).send().await.unwrap();
        assert_eq!(answer.status(), 422, "{}: the API", case.what);
        let answer: Value = answer.json().await.unwrap();
        let fields: Vec<&str> =
            answer["error"]["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(fields, [case.field], "{}: {answer}", case.what);
        assert!(answer.to_string().contains(api_says), "{}: {answer}", case.what);

        let (presses, texts) = &case.bot;
        let said = through_the_bot(&p, &admin, presses, texts).await;
        assert!(said.contains(bot_says), "{}: the bot said {said:?}", case.what);
        assert_eq!(counts(&p, &id).await, before, "{}: nothing written", case.what);
    }
    server.stop().await;
}

on_both_backends!(one_rule);
