//! A shop's admins managing admins from inside their bot: the owner adds an
//! admin by Telegram id (a bad id is asked again), the new admin gets the
//! admin menu but may not add others until allowed, and removal takes the
//! menu away again.

use crate::helpers;

use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{button, press, say};
use std::time::{Duration, Instant};

const TG: i64 = 9611;
const OWNER: i64 = 7611;
const SECOND: i64 = 7612;
const THIRD: i64 = 7613;

/// Presses `label` and returns the toast Telegram showed for it.
async fn toast(p: &Platform, user: &FakeUser, message: &SentMessage, label: &str) -> String {
    let before = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(user, message.message_id, &button(message, label)));
    let deadline = Instant::now() + helpers::chat::WAIT;
    while p.telegram.callback_answers(TG).len() == before {
        assert!(Instant::now() < deadline, "{label} was not answered");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    p.telegram.callback_answers(TG).last().unwrap()["text"].as_str().unwrap_or_default().to_owned()
}

async fn admins_manage_admins(p: Platform) {
    let token = p.telegram.add_bot(TG, "team_shop_bot");
    let out = p
        .run(&["bot", "add", "--token", &token, "--owner", &OWNER.to_string(), "--admin", &OWNER.to_string(), "--json"])
        .await;
    let id = serde_json::from_str::<serde_json::Value>(out.ok().stdout.trim()).unwrap()["id"].to_string();
    let server = p.serve(true).await;
    let owner = FakeUser::new(OWNER, "Owner").with_language("en");
    let second = FakeUser::new(SECOND, "Second").with_language("en");
    say(&p, TG, &second, updates::command(&second, "/start", None)).await;
    // Not an admin yet: /admin is an unknown command.
    let reply = say(&p, TG, &second, updates::command(&second, "/admin", None)).await;
    assert!(!reply.text.as_deref().unwrap_or_default().contains("Admin — today"), "{reply:?}");

    let home = say(&p, TG, &owner, updates::command(&owner, "/admin", None)).await;
    let team = press(&p, TG, &owner, &home, "Admins").await;
    assert!(team.text.as_deref().unwrap().contains("Admins of this shop: 1"), "{team:?}");
    let ask = press(&p, TG, &owner, &team, "Add an admin").await;
    assert!(ask.text.as_deref().unwrap().contains("numeric Telegram id"), "{ask:?}");
    let again = say(&p, TG, &owner, updates::text(&owner, "@second")).await;
    assert!(again.text.as_deref().unwrap().contains("not a Telegram id"), "{again:?}");
    let added = say(&p, TG, &owner, updates::text(&owner, &SECOND.to_string())).await;
    assert!(added.text.as_deref().unwrap().contains(&format!("{SECOND} is now an admin")), "{added:?}");
    assert!(added.text.as_deref().unwrap().contains("Admins of this shop: 2"), "{added:?}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bot_admins WHERE telegram_id = {SECOND}")).await, 1);

    // The new admin has the menu but may not add admins.
    let their_home = say(&p, TG, &second, updates::command(&second, "/admin", None)).await;
    assert!(their_home.text.as_deref().unwrap().contains("Admin — today"), "{their_home:?}");
    let their_team = press(&p, TG, &second, &their_home, "Admins").await;
    let keyboard = their_team.reply_markup.clone().unwrap().to_string();
    assert!(!keyboard.contains("Add an admin"), "no add button for them: {keyboard}");
    // Even with the owner's add button data in their own chat's menu generation.
    let data = button(&team, "Add an admin");
    let generation = button(&their_team, "Back").split('.').nth(1).unwrap().to_owned();
    let mut parts: Vec<&str> = data.split('.').collect();
    parts[1] = &generation;
    let forged = parts.join(".");
    let before = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&second, their_team.message_id, &forged));
    let deadline = Instant::now() + helpers::chat::WAIT;
    while p.telegram.callback_answers(TG).len() == before {
        assert!(Instant::now() < deadline, "the forged press was not answered");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let answer = p.telegram.callback_answers(TG).last().cloned().unwrap();
    assert!(answer["text"].as_str().unwrap_or_default().contains("Only the owner"), "{answer}");
    // The second admin cannot change the owner either (no buttons, and nothing happens).
    let owner_view = press(&p, TG, &second, &their_team, &OWNER.to_string()).await;
    assert!(!owner_view.reply_markup.clone().unwrap().to_string().contains("Remove admin"), "{owner_view:?}");

    // The owner allows them to manage admins; now they can add a third one.
    let home = say(&p, TG, &owner, updates::command(&owner, "/admin", None)).await;
    let team = press(&p, TG, &owner, &home, "Admins").await;
    let view = press(&p, TG, &owner, &team, &SECOND.to_string()).await;
    let allowed = press(&p, TG, &owner, &view, "Allow managing admins").await;
    assert!(allowed.text.as_deref().unwrap().contains("who manages admins"), "{allowed:?}");
    let their_home = say(&p, TG, &second, updates::command(&second, "/admin", None)).await;
    let their_team = press(&p, TG, &second, &their_home, "Admins").await;
    press(&p, TG, &second, &their_team, "Add an admin").await;
    let added = say(&p, TG, &second, updates::text(&second, &THIRD.to_string())).await;
    assert!(added.text.as_deref().unwrap().contains("Admins of this shop: 3"), "{added:?}");
    // The platform's cap on admins holds here too.
    p.run(&["config", "set", &id, "max_admins", "3"]).await.ok();
    server.reload().await;
    press(&p, TG, &second, &added, "Add an admin").await;
    let capped = say(&p, TG, &second, updates::text(&second, "7614")).await;
    assert!(capped.text.as_deref().unwrap().contains("at most 3 admins"), "{capped:?}");
    let added = capped;
    // They cannot remove themselves.
    let own = press(&p, TG, &second, &added, &SECOND.to_string()).await;
    assert!(!own.reply_markup.clone().unwrap().to_string().contains("Remove admin"), "{own:?}");

    // The owner removes the second admin; their /admin is gone.
    let home = say(&p, TG, &owner, updates::command(&owner, "/admin", None)).await;
    let team = press(&p, TG, &owner, &home, "Admins").await;
    let view = press(&p, TG, &owner, &team, &SECOND.to_string()).await;
    let confirm = press(&p, TG, &owner, &view, "Remove admin").await;
    let removed = press(&p, TG, &owner, &confirm, "Yes, remove").await;
    assert!(removed.text.as_deref().unwrap().contains(&format!("{SECOND} is no longer an admin")), "{removed:?}");
    let reply = say(&p, TG, &second, updates::command(&second, "/admin", None)).await;
    assert!(!reply.text.as_deref().unwrap_or_default().contains("Admin — today"), "{reply:?}");
    // And a stale button of their old admin menu is refused.
    let refused = toast(&p, &second, &their_home, "Statistics").await;
    assert!(!refused.is_empty(), "a stale or refused press is answered");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bot_admins WHERE telegram_id = {SECOND}")).await, 0);
}

/// `/api/v1/admins` with one tenant's token: `(status, body)`.
async fn api(
    server: &helpers::Server,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut request =
        reqwest::Client::new().request(method, format!("{}/api/v1{path}", server.url())).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

async fn admins_through_the_api(p: Platform) {
    use reqwest::Method;
    use serde_json::json;
    let (a, a_token) = p.add_shop(TG, "team_api_a_bot", &[OWNER]).await;
    let (_b, b_token) = p.add_shop(TG + 1, "team_api_b_bot", &[SECOND]).await;
    p.run(&["config", "set", &a, "max_admins", "2"]).await.ok();
    let server = p.serve(true).await;
    let (status, list) = api(&server, &a_token, Method::GET, "/admins", None).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["telegram_id"], OWNER);
    let (status, added) =
        api(&server, &a_token, Method::POST, "/admins", Some(json!({"telegram_id": THIRD, "can_manage_admins": true})))
            .await;
    assert_eq!((status, added["can_manage_admins"].as_bool()), (200, Some(true)), "{added}");
    // Adding again changes the right, not the count.
    let (status, again) = api(&server, &a_token, Method::POST, "/admins", Some(json!({"telegram_id": THIRD}))).await;
    assert_eq!((status, again["can_manage_admins"].as_bool()), (200, Some(false)), "{again}");
    let (status, full) = api(&server, &a_token, Method::POST, "/admins", Some(json!({"telegram_id": 7699}))).await;
    assert_eq!((status, full["error"]["code"].as_str()), (409, Some("too_many_admins")), "{full}");
    let (status, bad) = api(&server, &a_token, Method::POST, "/admins", Some(json!({"telegram_id": -5}))).await;
    assert_eq!(status, 422, "{bad}");
    // B's token neither sees nor removes A's admins.
    let (_, b_list) = api(&server, &b_token, Method::GET, "/admins", None).await;
    assert_eq!(b_list.as_array().unwrap().len(), 1);
    assert_eq!(b_list[0]["telegram_id"], SECOND);
    let (status, _) = api(&server, &b_token, Method::DELETE, &format!("/admins/{THIRD}"), None).await;
    assert_eq!(status, 404);
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM bot_admins WHERE telegram_id = {THIRD}")).await, 1);
    // The new admin has the bot's admin menu at once.
    let third = FakeUser::new(THIRD, "Third").with_language("en");
    let home = say(&p, TG, &third, updates::command(&third, "/admin", None)).await;
    assert!(home.text.as_deref().unwrap().contains("Admin — today"), "{home:?}");
    let (status, _) = api(&server, &a_token, Method::DELETE, &format!("/admins/{THIRD}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = api(&server, &a_token, Method::DELETE, &format!("/admins/{THIRD}"), None).await;
    assert_eq!(status, 404);
}

on_both_backends!(admins_manage_admins, admins_through_the_api);
