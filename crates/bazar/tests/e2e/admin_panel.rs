//! A shop's admin connects the shop's own VPN panel from `/admin`, as the
//! platform allows: kind by button, URL, then the login as `key=value` lines
//! — that message is deleted at once and its password is nowhere at rest —;
//! a wrong password is refused by the panel itself and said so; the right
//! one connects it, and plans then sell on it.

use crate::helpers::chat::{count_texts, press, say, wait_for_text};
use crate::helpers::{Platform, found_at_rest};
use bazar_testkit::panels::FakeMarzban;
use bazar_testkit::telegram::updates::{self, FakeUser};

const TG: i64 = 7401;
const OWNER: i64 = 940;

#[tokio::test]
async fn an_admin_connects_the_shops_own_panel_from_the_bot() {
    let p = Platform::sqlite().await;
    let panel = FakeMarzban::start().await;
    let (id, _) = p.add_shop(TG, "own_panel_bot", &[OWNER]).await;
    let server = p.serve(true).await;
    let owner = FakeUser::new(OWNER, "Reza").with_language("en");

    say(&p, TG, &owner, updates::command(&owner, "/start", None)).await;
    // Not allowed by the platform: the area says whose panel serves, and offers no connection.
    let home = say(&p, TG, &owner, updates::command(&owner, "/admin", None)).await;
    let area = press(&p, TG, &owner, &home, "VPN panel").await;
    assert!(area.text.as_deref().unwrap().contains("No VPN panel serves"), "{:?}", area.text);
    assert!(!format!("{:?}", area.reply_markup).contains("Connect my own"), "{:?}", area.reply_markup);

    p.run(&["config", "set", &id, "own_panel_allowed", "on"]).await.ok();
    p.run(&["admin", "add", &id, "941"]).await.ok();
    server.reload().await;
    // An admin who may not manage admins does not change where the shop sells.
    let helper = FakeUser::new(941, "Mina").with_language("en");
    say(&p, TG, &helper, updates::command(&helper, "/start", None)).await;
    let their_home = say(&p, TG, &helper, updates::command(&helper, "/admin", None)).await;
    let theirs = press(&p, TG, &helper, &their_home, "VPN panel").await;
    assert!(!format!("{:?}", theirs.reply_markup).contains("Connect my own"), "{:?}", theirs.reply_markup);
    let home = say(&p, TG, &owner, updates::command(&owner, "/admin", None)).await;
    let area = press(&p, TG, &owner, &home, "VPN panel").await;
    let kinds = press(&p, TG, &owner, &area, "Connect my own panel").await;
    let ask_url = press(&p, TG, &owner, &kinds, "marzban").await;
    assert!(ask_url.text.as_deref().unwrap().contains("address of your marzban panel"), "{:?}", ask_url.text);
    let bad = say(&p, TG, &owner, updates::text(&owner, "panel.example")).await;
    assert!(bad.text.as_deref().unwrap().contains("not a web address"), "{:?}", bad.text);
    let ask_login = say(&p, TG, &owner, updates::text(&owner, &panel.url())).await;
    let prompt = ask_login.text.clone().unwrap();
    assert!(prompt.contains("username=\npassword=") && prompt.contains("token="), "{prompt}");

    // A wrong password: deleted from the chat, refused by the panel, the form offered again.
    let (user, password) = panel.admin_credentials();
    let wrong = updates::text(&owner, &format!("username={user}\npassword=not-{password}"));
    let wrong_id = wrong["message"]["message_id"].as_i64().unwrap();
    let testing = say(&p, TG, &owner, wrong).await;
    assert!(testing.text.as_deref().unwrap().contains("Testing the connection"), "{:?}", testing.text);
    wait_for_text(&p, TG, OWNER, "refused this login").await;
    assert!(deleted(&p, wrong_id), "the login is deleted from the chat");
    assert_eq!(p.count("SELECT COUNT(*) FROM bot_panels").await, 0, "nothing connected");

    // The right one, after going through the form again.
    let home = say(&p, TG, &owner, updates::command(&owner, "/admin", None)).await;
    let area = press(&p, TG, &owner, &home, "VPN panel").await;
    let kinds = press(&p, TG, &owner, &area, "Connect my own panel").await;
    press(&p, TG, &owner, &kinds, "marzban").await;
    say(&p, TG, &owner, updates::text(&owner, &panel.url())).await;
    let right = updates::text(&owner, &format!("username = {user}\npassword = {password}\n"));
    let right_id = right["message"]["message_id"].as_i64().unwrap();
    say(&p, TG, &owner, right).await;
    let connected = wait_for_text(&p, TG, OWNER, "is connected").await;
    let text = connected.text.unwrap();
    assert!(text.contains("Inbounds: ") && !text.contains(&password), "{text}");
    assert!(deleted(&p, right_id));
    assert_eq!(count_texts(&p, TG, OWNER, "is connected"), 1);
    assert_eq!(p.count("SELECT COUNT(*) FROM bot_panels").await, 1);
    let home = say(&p, TG, &owner, updates::command(&owner, "/admin", None)).await;
    let area = press(&p, TG, &owner, &home, "VPN panel").await;
    let status = area.text.unwrap();
    assert!(
        status.contains("marzban") && status.contains("your own panel") && status.contains("answering"),
        "{status}"
    );

    // The password is nowhere at rest in the clear (inbox, jobs, panels).
    let found = found_at_rest(&p, &password).await;
    assert!(found.is_empty(), "the panel password is at rest in {found:?}");
    assert!(p.telegram.all_sent().iter().all(|m| !m.text.as_deref().unwrap_or_default().contains(&password)));

    // Plans sell on it: one with its inbounds is accepted.
    let inbound = panel.inbound_tags().into_iter().next().unwrap();
    p.run(&[
        "plan",
        "add",
        &id,
        "--name",
        "M",
        "--days",
        "30",
        "--price",
        "1000",
        "--option",
        &format!("inbounds={inbound}"),
    ])
    .await
    .ok();
    server.stop().await;
}

fn deleted(p: &Platform, message_id: i64) -> bool {
    p.telegram.calls_of("deletemessage").iter().any(|c| {
        c.params["message_id"].as_i64() == Some(message_id)
            || c.params["message_id"].as_str() == Some(message_id.to_string().as_str())
    })
}
