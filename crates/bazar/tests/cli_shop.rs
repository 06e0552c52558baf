//! The operator's shop commands as the real binary: plans, wallets, the ledger check.

mod helpers;

use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use serde_json::Value;
use std::time::Duration;

async fn plans_wallets_and_books(p: Platform) {
    let token = p.telegram.add_bot(8101, "shop_cli_bot");
    let added = p.run(&["bot", "add", "--token", &token, "--json"]).await;
    let id = serde_json::from_str::<Value>(added.ok().stdout.trim()).unwrap()["id"].to_string();

    let plan = p
        .run(&[
            "plan",
            "add",
            &id,
            "--name",
            "1 month",
            "--name-fa",
            "یک ماهه",
            "--days",
            "30",
            "--traffic-gb",
            "50",
            "--devices",
            "2",
            "--price",
            "150,000",
        ])
        .await;
    assert!(plan.ok().stdout.contains("150,000 IRT"), "{}", plan.stdout);
    p.run(&["plan", "add", &id, "--name", "3 months", "--days", "90", "--price", "400000", "--sort", "-1"]).await.ok();
    let list = p.run(&["plan", "list", &id]).await;
    let lines: Vec<&str> = list.ok().stdout.lines().collect();
    assert!(lines[0].contains("3 months") && lines[1].contains("1 month"), "sorted: {lines:?}");
    p.run(&["plan", "update", &id, "1", "--price", "120000"]).await.ok();
    p.run(&["plan", "disable", &id, "1"]).await.ok();
    assert!(p.run(&["plan", "list", &id]).await.ok().stdout.contains("120,000 IRT  (not offered)"));
    p.run(&["plan", "add", &id, "--days", "30", "--price", "1"]).await.fails_with("needs a name");
    p.run(&["plan", "add", &id, "--name", "x", "--days", "0", "--price", "1"]).await.fails_with("duration");
    p.run(&["plan", "add", &id, "--name", "x", "--days", "30", "--price", "free"]).await.fails_with("--price");
    p.run(&["plan", "update", &id, "99", "--price", "1"]).await.fails_with("has no plan 99");

    // A customer exists once they talked to the bot.
    let server = p.serve(true).await;
    let user = FakeUser::new(777, "Mina");
    p.telegram.push_update(8101, updates::command(&user, "/start", None));
    p.telegram.wait_for_sent(8101, 777, 1, Duration::from_secs(15)).await;
    server.stop().await;

    p.run(&["wallet", "show", &id, "778"]).await.fails_with("not a customer");
    let credit = p.run(&["wallet", "adjust", &id, "777", "50000", "--reason", "welcome gift", "--key", "gift-1"]).await;
    assert!(credit.ok().stdout.contains("balance 50,000 IRT"), "{}", credit.stdout);
    let again = p.run(&["wallet", "adjust", &id, "777", "50000", "--reason", "welcome gift", "--key", "gift-1"]).await;
    assert!(again.ok().stdout.contains("already posted"), "{}", again.stdout);
    p.run(&["wallet", "adjust", &id, "777", "-80000", "--reason", "too much"]).await.fails_with("insufficient balance");
    p.run(&["wallet", "adjust", &id, "777", "-20000", "--reason", "correction"]).await.ok();
    let shown = p.run(&["wallet", "show", &id, "777"]).await;
    assert!(shown.ok().stdout.contains("balance 30,000 IRT"), "{}", shown.stdout);
    assert!(shown.stdout.contains("operator: welcome gift"));
    assert!(p.run(&["ledger", "check", &id]).await.ok().stdout.contains("every balance equals"));
}

on_both_backends!(plans_wallets_and_books);
