//! The shop against the real Marzban 0.8.4 from the panel kit (required in
//! CI): the operator registers it, a plan without an inbound choice is
//! refused with the panel's own tags, a customer buys in the bot (fa and ru),
//! the panel holds a user with the plan's expiry, limit and inbounds, and the
//! link Bazar sends serves configs. On both databases.

use crate::helpers;

use base64::Engine;
use bazar_testkit::panels::RealMarzban;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{WAIT, press, say};
use serde_json::Value;

const TG: i64 = 9971;

async fn buy(p: &Platform, id: &str, user: &FakeUser, [buy, plan, pay]: [&str; 3]) -> String {
    let menu = say(p, TG, user, updates::command(user, "/start", None)).await;
    p.run(&["wallet", "adjust", id, &user.id.to_string(), "250000", "--reason", "test"]).await.ok();
    let plans = press(p, TG, user, &menu, buy).await;
    let summary = press(p, TG, user, &plans, plan).await;
    let summary_text = summary.text.clone().unwrap();
    assert!(!summary_text.contains("📱"), "Marzban enforces no device limit, so none is promised: {summary_text}");
    let sent = p.telegram.sent_to(TG, user.id).len();
    press(p, TG, user, &summary, pay).await;
    let delivered = p.telegram.wait_for_sent(TG, user.id, sent + 2, WAIT).await.pop().unwrap();
    assert_eq!(delivered.method, "sendphoto", "link and QR code: {delivered:?}");
    let caption = delivered.text.unwrap();
    let link =
        caption.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"').find(|w| w.starts_with("http"));
    link.unwrap_or_else(|| panic!("a link in the caption: {caption}")).to_owned()
}

async fn real_marzban(p: Platform) {
    let Some(real) = tokio::task::spawn_blocking(RealMarzban::start).await.unwrap() else { return };
    let id = p.add_shop(TG, "real_panel_bot", &[]).await.0;
    let added = p
        .run(&[
            "panel",
            "add",
            "--name",
            "real",
            "--default",
            "--kind",
            "marzban",
            "--url",
            &real.url,
            "--username",
            &real.username,
            "--password",
            &real.password,
        ])
        .await;
    assert!(added.ok().stdout.contains("VLESS TCP"), "the real panel's inbounds are listed: {}", added.stdout);
    let plan = ["plan", "add", &id, "--name", "Month", "--name-fa", "یک ماهه", "--name-ru", "Месяц", "--days", "30"];
    let mut args: Vec<&str> = plan.to_vec();
    args.extend(["--traffic-gb", "10", "--devices", "2", "--price", "100000"]);
    let refused = p.run(&args).await;
    refused.fails_with("`--option inbounds=all` for every one");
    assert!(refused.stderr.contains("VMess TCP"), "names the real panel's tags: {}", refused.stderr);
    let mut wrong = args.clone();
    wrong.extend(["--inbounds", "VLESS TCP,Hysteria"]);
    p.run(&wrong).await.fails_with("the panel has no inbound Hysteria");
    args.extend(["--inbounds", "VLESS TCP,VMess TCP"]);
    p.run(&args).await.ok();
    let server = p.serve(true).await;

    for (user, labels) in [
        (FakeUser::new(5971, "Sara").with_language("fa"), ["خرید", "یک ماهه", "پرداخت"]),
        (FakeUser::new(5972, "Ivan").with_language("ru"), ["Купить", "Месяц", "Оплатить"]),
    ] {
        let link = buy(&p, &id, &user, labels).await;
        // The link serves the inbounds the plan chose, and nothing else.
        let body = reqwest::get(&link).await.unwrap().text().await.unwrap();
        let configs =
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(body.trim()).unwrap()).unwrap();
        let mut schemes: Vec<&str> = configs.lines().filter_map(|l| l.split("://").next()).collect();
        schemes.sort();
        assert_eq!(schemes, ["vless", "vmess"], "only the chosen inbounds: {configs}");
    }
    // The panel holds both users, with the plan's limit and our owner marker.
    let bearer = bazar_testkit::panels::marzban_bearer(&real.url, &real.username, &real.password).await;
    let users: Value = reqwest::Client::new()
        .get(format!("{}/api/users", real.url))
        .header("authorization", bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let users = users["users"].as_array().unwrap();
    assert_eq!(users.len(), 2, "{users:?}");
    for user in users {
        assert_eq!(user["data_limit"], 10u64 << 30);
        assert!(user["note"].as_str().unwrap().starts_with("bazar/"), "{user}");
        assert_eq!(user["links"].as_array().unwrap().len(), 2, "{user}");
    }
    server.stop().await;
}

on_both_backends!(real_marzban);
