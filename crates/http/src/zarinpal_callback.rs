//! `GET /pay/zarinpal/{bot_id}/{payment_id}?Authority=…&Status=OK|NOK`: where
//! Zarinpal sends the customer back. Nothing in the query is trusted but the
//! authority's match with the stored payment; the payment is verified with
//! the gateway for the stored amount, and the customer sees a small page in
//! their language with a button back to the bot.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use bazar_domain::{BotId, Language, PaymentId};
use bazar_shop::payments::zarinpal::{CallbackOutcome, ZarinpalGateway};
use bazar_store::{Store, TenantScope};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Clone)]
struct CallbackState {
    store: Store,
    gateway: Arc<ZarinpalGateway>,
}

/// The callback route.
pub fn router(store: Store, gateway: Arc<ZarinpalGateway>) -> Router {
    Router::new()
        .route("/pay/zarinpal/{bot_id}/{payment_id}", get(callback))
        .with_state(CallbackState { store, gateway })
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    #[serde(rename = "Authority", default)]
    authority: String,
    #[serde(rename = "Status", default)]
    status: String,
}

enum Page {
    Paid,
    NotPaid,
    Checking,
    Unknown,
}

async fn callback(
    State(state): State<CallbackState>,
    Path((bot_id, payment_id)): Path<(i64, PaymentId)>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Ok(resolved) = state.store.resolve_active_bot(BotId::from_raw(bot_id)).await else {
        return page(StatusCode::NOT_FOUND, Language::Fa, Page::Unknown, None);
    };
    let username = resolved.record.username.clone();
    let scope = resolved.scope;
    let outcome = state
        .gateway
        .callback(&scope, payment_id, query.authority.trim(), query.status.eq_ignore_ascii_case("OK"))
        .await;
    let (status, kind, payment) = match outcome {
        Ok(CallbackOutcome::Paid(p)) => (StatusCode::OK, Page::Paid, Some(p)),
        Ok(CallbackOutcome::NotPaid(p)) => (StatusCode::OK, Page::NotPaid, Some(p)),
        Ok(CallbackOutcome::Checking(p)) => (StatusCode::OK, Page::Checking, Some(p)),
        Ok(CallbackOutcome::Unknown) => (StatusCode::NOT_FOUND, Page::Unknown, None),
        Err(e) => {
            tracing::error!(bot_id, payment_id = %payment_id, error = %e, "Zarinpal callback failed");
            (StatusCode::SERVICE_UNAVAILABLE, Page::Checking, None)
        }
    };
    let language = match payment {
        Some(p) => customer_language(&state.store, &scope, p.customer_id).await,
        None => Language::Fa,
    };
    page(status, language, kind, username.as_deref())
}

async fn customer_language(store: &Store, scope: &TenantScope, customer: bazar_domain::CustomerId) -> Language {
    let tenant = store.tenant(scope);
    let default = match tenant.settings().await.ok().map(|s| s.config(bazar_domain::ConfigKey::DefaultLanguage).clone())
    {
        Some(bazar_domain::ConfigValue::Language(l)) => l,
        _ => Language::Fa,
    };
    let Ok(mut tx) = tenant.begin_read().await else { return default };
    let found = tx.customer(customer).await.ok().flatten().and_then(|c| c.language);
    let _ = tx.commit().await;
    found.unwrap_or(default)
}

fn page(status: StatusCode, language: Language, kind: Page, bot_username: Option<&str>) -> Response {
    let (title, body) = texts(language, kind);
    let back = match language {
        Language::Fa => "بازگشت به ربات",
        Language::Ru => "Вернуться в бот",
        Language::En => "Back to the bot",
    };
    let dir = if language == Language::Fa { "rtl" } else { "ltr" };
    let button = match bot_username {
        Some(name) if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
            format!(r#"<p><a class="b" href="https://t.me/{name}">{back}</a></p>"#)
        }
        _ => String::new(),
    };
    let html = format!(
        r#"<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;text-align:center}}.b{{display:inline-block;padding:.7rem 1.4rem;border-radius:.5rem;background:#2481cc;color:#fff;text-decoration:none}}</style></head><body><h1>{title}</h1><p>{body}</p>{button}</body></html>"#,
        lang = language.code()
    );
    (status, Html(html)).into_response()
}

fn texts(language: Language, kind: Page) -> (&'static str, &'static str) {
    match (language, kind) {
        (Language::Fa, Page::Paid) => {
            ("پرداخت موفق", "پرداخت شما تأیید شد و به کیف پول شما اضافه شد. نتیجه در ربات هم برایتان ارسال شد.")
        }
        (Language::Fa, Page::NotPaid) => {
            ("پرداخت انجام نشد", "پرداخت لغو شد یا ناموفق بود. مبلغی کم نشده است؛ می‌توانید دوباره از ربات اقدام کنید.")
        }
        (Language::Fa, Page::Checking) => {
            ("در حال بررسی", "پرداخت شما در حال بررسی است. نتیجه را در ربات برایتان می‌فرستیم.")
        }
        (Language::Fa, Page::Unknown) => ("پرداخت پیدا نشد", "این پرداخت شناخته نشد."),
        (Language::Ru, Page::Paid) => {
            ("Оплата прошла", "Платёж подтверждён и зачислен на ваш кошелёк. Бот тоже прислал сообщение.")
        }
        (Language::Ru, Page::NotPaid) => {
            ("Оплата не прошла", "Платёж отменён или не прошёл. Деньги не списаны; попробуйте снова из бота.")
        }
        (Language::Ru, Page::Checking) => ("Проверяем платёж", "Мы проверяем платёж и пришлём результат в бот."),
        (Language::Ru, Page::Unknown) => ("Платёж не найден", "Этот платёж нам неизвестен."),
        (Language::En, Page::Paid) => (
            "Payment successful",
            "Your payment is confirmed and credited to your wallet. The bot has sent you a message too.",
        ),
        (Language::En, Page::NotPaid) => (
            "Payment not completed",
            "The payment was cancelled or failed. Nothing was charged; you can try again from the bot.",
        ),
        (Language::En, Page::Checking) => {
            ("Checking your payment", "We are checking your payment and will send the result in the bot.")
        }
        (Language::En, Page::Unknown) => ("Payment not found", "We do not know this payment."),
    }
}
