//! Webhooks: `setWebhook`, `deleteWebhook`, `getWebhookInfo`, and delivery.
//!
//! While a webhook is set, one worker task per bot hands pending updates, in
//! update-id order, to delivery tasks, at most `max_connections` at a time
//! (Telegram's default is 40). A delivery POSTs the update as JSON with the
//! secret header, and on a non-2xx answer or connection error retries with
//! backoff (100 ms, doubling, 5 attempts) when `webhook_retry` is on, then
//! gives up on that update. Like Telegram, a JSON answer carrying a `method`
//! is executed as a call of that bot.

use super::envelope::{ApiError, ApiResult};
use super::methods::Ctx;
use super::params::Params;
use super::polling::allowed_updates;
use super::records::WebhookDelivery;
use super::server;
use super::state::{Bot, Shared, unix_now};
use axum::body::Bytes;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
const ATTEMPTS_WITH_RETRY: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// A bot's webhook settings.
pub(crate) struct Webhook {
    pub url: String,
    pub secret: Option<String>,
    pub max_connections: u32,
    /// One permit per allowed concurrent delivery.
    permits: Arc<Semaphore>,
}

pub(crate) fn set_webhook(ctx: &Ctx) -> ApiResult {
    let p = ctx.params;
    let url = p.str("url").unwrap_or_default();
    if url.is_empty() {
        return delete_webhook(ctx);
    }
    let parsed = reqwest::Url::parse(&url).map_err(|_| ApiError::bad_request("bad webhook: invalid URL specified"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(ApiError::bad_request("bad webhook: invalid URL specified"));
    }
    let secret = p.str("secret_token").filter(|s| !s.is_empty());
    if let Some(secret) = &secret {
        if secret.len() > 256 {
            return Err(ApiError::bad_request("bad webhook: secret token is too long"));
        }
        if !secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Err(ApiError::bad_request("bad webhook: secret token contains unallowed characters"));
        }
    }
    let max_connections = p.i64("max_connections")?.unwrap_or(40).clamp(1, 100) as u32;
    let allowed = allowed_updates(p)?;
    let permits = Arc::new(Semaphore::new(max_connections as usize));
    let start_worker = {
        let mut state = ctx.bot.state.lock().unwrap();
        state.webhook = Some(Arc::new(Webhook { url, secret, max_connections, permits }));
        state.webhook_generation += 1;
        if let Some(allowed) = allowed {
            state.allowed_updates = Some(allowed);
        }
        if p.bool("drop_pending_updates") {
            state.queue.clear();
        }
        !std::mem::replace(&mut state.worker_running, true)
    };
    if start_worker {
        ctx.shared.spawn(worker(ctx.shared.clone(), ctx.bot.clone()));
    }
    ctx.bot.webhook_notify.notify_one();
    // A long poll in progress now answers 409.
    ctx.bot.poll_notify.notify_waiters();
    Ok(Value::Bool(true))
}

pub(crate) fn delete_webhook(ctx: &Ctx) -> ApiResult {
    {
        let mut state = ctx.bot.state.lock().unwrap();
        if state.webhook.take().is_some() {
            state.webhook_generation += 1;
        }
        if ctx.params.bool("drop_pending_updates") {
            state.queue.clear();
        }
    }
    ctx.bot.webhook_notify.notify_one();
    Ok(Value::Bool(true))
}

pub(crate) fn webhook_info(ctx: &Ctx) -> ApiResult {
    let state = ctx.bot.state.lock().unwrap();
    let mut info = json!({
        "url": state.webhook.as_ref().map(|w| w.url.as_str()).unwrap_or(""),
        "has_custom_certificate": false,
        "pending_update_count": state.pending(),
    });
    if let Some(webhook) = &state.webhook {
        info["max_connections"] = json!(webhook.max_connections);
        if let Some(allowed) = &state.allowed_updates {
            info["allowed_updates"] = json!(allowed);
        }
        if let Some((date, message)) = &state.last_error {
            info["last_error_date"] = json!(date);
            info["last_error_message"] = json!(message);
        }
    }
    Ok(info)
}

/// Hands pending updates to deliveries while the webhook is set; exits when it is deleted.
async fn worker(shared: Arc<Shared>, bot: Arc<Bot>) {
    loop {
        let (webhook, generation) = {
            let mut state = bot.state.lock().unwrap();
            match &state.webhook {
                Some(webhook) => (webhook.clone(), state.webhook_generation),
                None => {
                    state.worker_running = false;
                    return;
                }
            }
        };
        let permit = tokio::select! {
            permit = webhook.permits.clone().acquire_owned() => permit.expect("semaphore never closed"),
            () = bot.webhook_notify.notified() => continue,
        };
        let job = {
            let mut state = bot.state.lock().unwrap();
            if state.webhook_generation != generation {
                continue;
            }
            let next = loop {
                match state.queue.pop_first() {
                    Some((id, update)) if state.allows(&update) => break Some((id, update)),
                    Some(_) => continue,
                    None => break None,
                }
            };
            if next.is_some() {
                state.in_flight += 1;
            }
            next
        };
        match job {
            Some((id, update)) => {
                let delivery = deliver(shared.clone(), bot.clone(), webhook, generation, id, update, permit);
                shared.spawn(delivery);
            }
            None => {
                drop(permit);
                bot.webhook_notify.notified().await;
            }
        }
    }
}

/// Delivers one update, retrying as configured; puts it back in the queue
/// if the webhook changes meanwhile, so it is neither lost nor duplicated.
async fn deliver(
    shared: Arc<Shared>,
    bot: Arc<Bot>,
    webhook: Arc<Webhook>,
    generation: u64,
    update_id: i64,
    update: Value,
    _permit: OwnedSemaphorePermit,
) {
    let body = Bytes::from(serde_json::to_vec(&update).expect("JSON values always serialize"));
    let attempts = if shared.options.webhook_retry { ATTEMPTS_WITH_RETRY } else { 1 };
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=attempts {
        if attempt > 1 {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
            if bot.state.lock().unwrap().webhook_generation != generation {
                return finish(&bot, update_id, Some(update));
            }
        }
        let mut request =
            shared.http().post(&webhook.url).header("content-type", "application/json").body(body.clone());
        if let Some(secret) = &webhook.secret {
            request = request.header(SECRET_HEADER, secret);
        }
        let (status, error, reply) = match request.send().await {
            Ok(response) if response.status().is_success() => {
                (Some(response.status()), None, response.bytes().await.ok())
            }
            Ok(response) => {
                let status = response.status();
                (Some(status), Some(format!("Wrong response from the webhook: {status}")), None)
            }
            Err(err) => {
                let message = if err.is_connect() { "Connection refused" } else { "Read timeout expired" };
                (None, Some(message.to_owned()), None)
            }
        };
        {
            let mut state = bot.state.lock().unwrap();
            state.deliveries.push(WebhookDelivery {
                update_id,
                status: status.map(|s| s.as_u16()),
                at: Instant::now(),
            });
            if let Some(error) = &error {
                state.last_error = Some((unix_now(), error.clone()));
            }
        }
        if error.is_none() {
            finish(&bot, update_id, None);
            if let Some(reply) = reply {
                execute_reply(&shared, &bot, &reply).await;
            }
            return;
        }
    }
    // Out of attempts: Telegram eventually drops such an update too.
    let changed = bot.state.lock().unwrap().webhook_generation != generation;
    finish(&bot, update_id, changed.then_some(update));
}

/// Ends a delivery; `requeue` gives the update back (the webhook changed under it).
fn finish(bot: &Bot, update_id: i64, requeue: Option<Value>) {
    {
        let mut state = bot.state.lock().unwrap();
        state.in_flight -= 1;
        if let Some(update) = requeue {
            state.queue.insert(update_id, update);
        }
    }
    bot.webhook_notify.notify_one();
    bot.poll_notify.notify_waiters();
}

/// Executes a method call the webhook answered with (`{"method": "sendMessage", …}`).
async fn execute_reply(shared: &Arc<Shared>, bot: &Arc<Bot>, reply: &[u8]) {
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(reply) else { return };
    let Some(Value::String(method)) = map.remove("method") else { return };
    let params = Params { map, uploads: Default::default() };
    // The answer of such a call goes nowhere, as on Telegram.
    let _ = server::execute(shared, bot, &method.to_ascii_lowercase(), params).await;
}
