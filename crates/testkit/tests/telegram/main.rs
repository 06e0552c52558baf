//! The fake Telegram over real HTTP, as a bot would use it.

mod limits;
mod messages;
mod polling;
mod protocol;
mod webhook;

use bazar_testkit::telegram::{FakeOptions, FakeTelegram};
use serde_json::Value;

/// The id of the bot every test registers.
pub const BOT: i64 = 4242;

/// A fake with one bot; limits off unless a test is about them.
pub async fn fake(options: FakeOptions) -> (FakeTelegram, String) {
    let fake = FakeTelegram::start_with(options).await;
    let token = fake.add_bot(BOT, "test_shop_bot");
    (fake, token)
}

/// Options for tests that are not about flood limits.
pub fn no_limits() -> FakeOptions {
    FakeOptions { rate_limits: false, ..FakeOptions::default() }
}

/// POSTs JSON parameters; answers (HTTP status, envelope).
pub async fn call(fake: &FakeTelegram, token: &str, method: &str, params: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/bot{token}/{method}", fake.url()))
        .json(&params)
        .send()
        .await
        .expect("fake answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON envelope"))
}

/// Calls a method that must succeed and returns its `result`.
pub async fn ok(fake: &FakeTelegram, token: &str, method: &str, params: Value) -> Value {
    let (status, body) = call(fake, token, method, params).await;
    assert_eq!((status, &body["ok"]), (200, &Value::Bool(true)), "{method}: {body}");
    body["result"].clone()
}

/// A `multipart/form-data` body (boundary, bytes) from text fields and one file.
pub fn multipart(fields: &[(&str, &str)], file: (&str, &str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----bazar-test-boundary".to_owned();
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    let (name, file_name, mime, data) = file;
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {mime}\r\n\r\n"
        )
        .bytes(),
    );
    body.extend(data);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (boundary, body)
}
