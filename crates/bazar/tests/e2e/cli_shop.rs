//! The operator's shop commands as the real binary: plans, wallets, the ledger check.

use crate::helpers;

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

/// Plans check their panel options against the shop's panel: `--inbounds`
/// on Marzban (`all` or real tags), `--squad` on Remnawave (real squads), on
/// `plan add` and `plan update` alike; `panel options` lists what there is.
async fn plans_fit_their_panel(p: Platform) {
    use bazar_testkit::panels::{FakeMarzban, FakeRemnawave};
    let marzban = FakeMarzban::start().await;
    let remnawave = FakeRemnawave::start().await;
    let germany = remnawave.add_squad("Germany");
    let token = p.telegram.add_bot(8102, "marz_shop_bot");
    let m = serde_json::from_str::<Value>(p.run(&["bot", "add", "--token", &token, "--json"]).await.ok().stdout.trim())
        .unwrap()["id"]
        .to_string();
    let token = p.telegram.add_bot(8103, "remna_shop_bot");
    let r = serde_json::from_str::<Value>(p.run(&["bot", "add", "--token", &token, "--json"]).await.ok().stdout.trim())
        .unwrap()["id"]
        .to_string();
    let (user, pass) = marzban.admin_credentials();
    let url = marzban.url();
    let added = p
        .run(&[
            "panel",
            "add",
            "--name",
            "m",
            "--default",
            "--kind",
            "marzban",
            "--url",
            &url,
            "--username",
            &user,
            "--password",
            &pass,
        ])
        .await;
    assert!(added.ok().stdout.contains("VMess Websocket"), "panel add lists the inbounds: {}", added.stdout);
    let (url, token) = (remnawave.url(), remnawave.token());
    p.run(&["panel", "add", "--name", "x", "--kind", "remnawave", "--url", &url, "--username", "admin"])
        .await
        .fails_with("a remnawave panel logs in with token=…; given: username");
    let keyless = p
        .run(&["panel", "add", "--name", "x", "--kind", "remnawave", "--url", &url, "--credential", "s3cr3tT0ken"])
        .await;
    keyless.fails_with("write it as KEY=VALUE");
    assert!(!keyless.stderr.contains("s3cr"), "nothing of a value typed without its key is echoed: {}", keyless.stderr);
    let known: Vec<&str> = bazar_panels::KINDS.iter().map(|k| k.name).collect();
    let known = known.join(", ");
    p.run(&["panel", "add", "--name", "x", "--kind", "xui", "--url", &url, "--token", "t"])
        .await
        .fails_with(&format!("unknown VPN panel kind `xui` (known kinds: {known})"));
    let help = p.run(&["panel", "add", "--help"]).await;
    for kind in bazar_panels::KINDS {
        assert!(help.ok().stdout.contains(&format!("{} — {}", kind.name, kind.title)), "{}", help.stdout);
        for field in kind.options {
            assert!(help.stdout.contains(&format!("plan option {}", field.key)), "{}", help.stdout);
        }
    }
    p.run(&["panel", "add", "--name", "r", "--kind", "remnawave", "--url", &url, "--token", &token]).await.ok();
    p.run(&["panel", "assign", &r, "2"]).await.ok();
    let listed = p.run(&["panel", "options", "2"]).await;
    assert!(listed.ok().stdout.contains(&germany) && listed.stdout.contains("Default-Squad"), "{}", listed.stdout);

    let plan = |bot: &str, extra: &[&str]| {
        let mut args = vec!["plan", "add", bot, "--name", "Month", "--days", "30", "--price", "100000"];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let shell = &p;
    let run = |args: Vec<String>| async move { shell.run(&args.iter().map(String::as_str).collect::<Vec<_>>()).await };
    run(plan(&m, &[])).await.fails_with("`--option inbounds=all` for every one");
    run(plan(&m, &["--inbounds", "VMess TCP,Nope"])).await.fails_with("the panel has no inbound Nope");
    let added = run(plan(&m, &["--inbounds", "VMess TCP", "--devices", "2"])).await;
    assert!(added.ok().stdout.contains("[inbounds VMess TCP]"), "{}", added.stdout);
    assert!(added.stderr.contains("enforces no device limit"), "{}", added.stderr);
    // `plan update` applies panel options (it used to print "updated" and change nothing).
    let updated = p.run(&["plan", "update", &m, "1", "--inbounds", "all"]).await;
    assert!(updated.ok().stdout.contains("[inbounds all]"), "{}", updated.stdout);
    assert!(p.run(&["plan", "list", &m]).await.ok().stdout.contains("[inbounds all]"));
    p.run(&["plan", "update", &m, "1", "--inbounds", "Nope"]).await.fails_with("no inbound Nope");
    // The generic spelling every kind takes; `all` only where the field allows it.
    let both = p
        .run(&["plan", "update", &m, "1", "--option", "flow=xtls-rprx-vision", "--option", "inbounds=VMess TCP"])
        .await;
    assert!(both.ok().stdout.contains("[flow xtls-rprx-vision; inbounds VMess TCP]"), "{}", both.stdout);
    p.run(&["plan", "update", &m, "1", "--option", "flow=all"]).await.fails_with("`all` is not a choice for flows");
    p.run(&["plan", "update", &m, "1", "--option", "inbounds"]).await.fails_with("write it as KEY=VALUE");
    p.run(&["plan", "update", &m, "1", "--option", "flow="]).await.ok();

    run(plan(&r, &[])).await.fails_with("needs its internal squads: `--option squads=…`");
    let unknown = "11111111-1111-4111-8111-111111111111";
    run(plan(&r, &["--squad", unknown])).await.fails_with(&format!("no internal squad {unknown}"));
    run(plan(&r, &["--squad", "nope"])).await.fails_with("not a UUID");
    let added = run(plan(&r, &["--squad", &remnawave.default_squad()])).await;
    let id = added.ok().stdout.split_whitespace().nth(4).unwrap().to_owned();
    let updated = p.run(&["plan", "update", &r, &id, "--squad", &germany]).await;
    assert!(updated.ok().stdout.contains(&format!("[squads {germany}]")), "{}", updated.stdout);
    // The squad loses its inbounds on the panel: a change to it is refused.
    remnawave.set_squad_inbounds(&germany, 0);
    p.run(&["plan", "update", &r, &id, "--squad", &germany]).await.fails_with("holds no inbounds");
}

on_both_backends!(plans_wallets_and_books, plans_fit_their_panel);
