//! The operator's CLI, run as the real binary: `bot add` twice, `bot list`,
//! `flag set`, `config set`, `disable`, `remove`, `rotate-api-token` — and a
//! one-line error with a non-zero exit for every kind of bad input.

use crate::helpers;

use helpers::Platform;
use serde_json::Value;

async fn add_twice_list_and_manage(p: Platform) {
    let token_a = p.telegram.add_bot(5001, "alpha_shop_bot");
    let token_b = p.telegram.add_bot(5002, "beta_shop_bot");

    let added = p.run(&["bot", "add", "--token", &token_a, "--admin", "42", "--json"]).await;
    added.ok();
    let a: Value = serde_json::from_str(added.stdout.trim()).unwrap();
    assert_eq!(a["username"], "alpha_shop_bot", "username learned from getMe");
    assert_eq!(a["name"], "alpha_shop_bot shop");
    let api_token = a["api_token"].as_str().unwrap().to_owned();
    assert!(api_token.starts_with("bzr_"));
    assert_eq!(p.telegram.calls_of("getme").len(), 1);

    let human = p.run(&["bot", "add", "--token", &token_b, "--name", "Beta VPN"]).await;
    human.ok();
    assert!(human.stdout.contains("Added bot") && human.stdout.contains("@beta_shop_bot"), "{}", human.stdout);
    assert!(human.stdout.contains("bzr_"), "the API token is printed once");

    // The same token again: refused, nothing written.
    p.run(&["bot", "add", "--token", &token_a]).await.fails_with("already registered");

    let list = p.run(&["bot", "list"]).await;
    list.ok();
    assert!(list.stdout.contains("@alpha_shop_bot") && list.stdout.contains("Beta VPN"), "{}", list.stdout);
    let json_list = p.run(&["bot", "list", "--json"]).await;
    let bots: Value = serde_json::from_str(json_list.ok().stdout.trim()).unwrap();
    assert_eq!(bots.as_array().unwrap().len(), 2);
    for output in [&list.stdout, &json_list.stdout, &list.stderr, &json_list.stderr] {
        assert!(!output.contains(token_a.split(':').nth(1).unwrap()), "bot token printed by list");
        assert!(!output.contains(&api_token), "API token printed by list");
    }

    let id = a["id"].to_string();
    p.run(&["flag", "set", &id, "zarinpal", "on"]).await.ok();
    let flags = p.run(&["flag", "get", &id]).await;
    assert!(flags.ok().stdout.lines().any(|l| l.starts_with("zarinpal") && l.contains("on") && l.contains("(set)")));
    p.run(&["config", "set", &id, "trial_days", "3"]).await.ok();
    p.run(&["config", "set", &id, "reminder_days", "1,3"]).await.ok();
    let cfg = p.run(&["config", "get", &id, "reminder_days"]).await;
    assert!(cfg.ok().stdout.contains("3,1"), "{}", cfg.stdout);
    p.run(&["config", "unset", &id, "trial_days"]).await.ok();
    assert!(p.run(&["config", "get", &id, "trial_days"]).await.ok().stdout.contains("(default"));

    let disabled = p.run(&["bot", "disable", &id]).await;
    assert!(disabled.ok().stdout.contains("is now disabled"));
    let listed: Value = serde_json::from_str(p.run(&["bot", "list", "--json"]).await.ok().stdout.trim()).unwrap();
    assert_eq!(listed[0]["status"], "disabled");
    p.run(&["bot", "enable", &id]).await.ok();

    let rotated = p.run(&["bot", "rotate-api-token", &id, "--json"]).await;
    let rotated: Value = serde_json::from_str(rotated.ok().stdout.trim()).unwrap();
    assert_ne!(rotated["api_token"].as_str().unwrap(), api_token);

    p.run(&["admin", "add", &id, "77"]).await.ok();
    assert!(p.run(&["admin", "list", &id]).await.ok().stdout.contains("77"));

    let refused = p.run(&["bot", "remove", &id]).await;
    refused.fails_with("--yes");
    assert!(refused.stderr.contains("1 API tokens") || refused.stderr.contains("2 API tokens"), "{}", refused.stderr);
    p.run(&["bot", "remove", &id, "--yes"]).await.ok();
    let after: Value = serde_json::from_str(p.run(&["bot", "list", "--json"]).await.ok().stdout.trim()).unwrap();
    assert_eq!(after.as_array().unwrap().len(), 1);
}

async fn bad_input_is_one_clear_line(p: Platform) {
    let token = p.telegram.add_bot(6001, "gamma_bot");
    p.run(&["bot", "add", "--token", "12345"]).await.fails_with("malformed bot token");
    // Well-formed, but Telegram does not know it.
    p.run(&["bot", "add", "--token", "6002:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
        .await
        .fails_with("Telegram rejected this bot token");
    p.run(&["bot", "add", "--token", &token, "--json"]).await.ok();
    p.run(&["bot", "disable", "999"]).await.fails_with("no bot with id 999");
    p.run(&["flag", "set", "1", "yookassa", "on"]).await.fails_with("unknown feature flag `yookassa`");
    p.run(&["flag", "set", "1", "trial", "perhaps"]).await.fails_with("expected on or off");
    p.run(&["config", "set", "1", "trial_days", "many"]).await.fails_with("invalid value for `trial_days`");
    p.run(&["config", "set", "1", "colour", "red"]).await.fails_with("unknown configuration key `colour`");
    p.run(&["config", "get", "999"]).await.fails_with("no bot with id 999");
    let usage = p.run(&["bot", "disable", "abc"]).await;
    assert_ne!(usage.code, 0);
    assert!(usage.stderr.contains("not a number"), "{}", usage.stderr);

    // Nothing half-written by any of the above.
    let bots: Value = serde_json::from_str(p.run(&["bot", "list", "--json"]).await.ok().stdout.trim()).unwrap();
    assert_eq!(bots.as_array().unwrap().len(), 1);
}

async fn a_wrong_master_key_is_refused(mut p: Platform) {
    let token = p.telegram.add_bot(7001, "delta_bot");
    p.run(&["bot", "add", "--token", &token]).await.ok();
    let other = bazar_secrets::MasterKey::generate().to_base64();
    p.env.retain(|(k, _)| k != "BAZAR_MASTER_KEY");
    p.env.push(("BAZAR_MASTER_KEY".into(), other));
    p.run(&["bot", "list"]).await.fails_with("wrong master key");
}

on_both_backends!(add_twice_list_and_manage, bad_input_is_one_clear_line, a_wrong_master_key_is_refused);

#[tokio::test]
async fn sqlite_needs_no_setup_and_keeps_its_key_private() {
    let p = Platform::sqlite().await;
    let token = p.telegram.add_bot(8001, "zero_setup_bot");
    let run = p.run(&["bot", "add", "--token", &token]).await;
    run.ok();
    assert!(run.stderr.contains("generated a master key"), "a loud warning: {}", run.stderr);
    let key = p.path("data/bazar.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    // The second run loads the same key silently and still opens the token.
    let again = p.run(&["bot", "list"]).await;
    again.ok();
    assert!(!again.stderr.contains("generated"));
}

#[tokio::test]
async fn an_unreachable_database_is_named() {
    let mut p = Platform::sqlite().await;
    p.env.retain(|(k, _)| k != "BAZAR_DATABASE_URL");
    p.env.push(("BAZAR_DATABASE_URL".into(), "postgres://app:pw-secret@127.0.0.1:1/bazar".into()));
    p.env.push(("BAZAR_MASTER_KEY".into(), bazar_secrets::MasterKey::generate().to_base64()));
    let run = p.run(&["bot", "list"]).await;
    run.fails_with("cannot open database postgres://app:***@127.0.0.1:1/bazar");
    assert!(!run.stderr.contains("pw-secret"));
}
