//! `/payments…`: the tenant's payments, and the card-to-card decision.
//!
//! Approve and reject go through the same use case as the Approve/Reject
//! buttons under a receipt in the bot (`bazar_shop::payments::card`): the
//! payment row is locked, only an open payment moves, and the credit's ledger
//! key is unique in the database — so an API call racing a button press, or
//! itself, credits once. Decisions made here are recorded with the actor
//! `api`. Card numbers are masked everywhere, and every run of 12 or more
//! digits in a receipt text, a reason or a history note is masked too.

use super::plans::Checks;
use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{CardId, CustomerId, PaymentId, PlanId, TelegramUserId, mask_digit_runs};
use bazar_shop::payments::card::{self, Decision};
use bazar_shop::payments::referral_percent;
use bazar_shop::payments::stars::{self, Refund};
use bazar_store::{Payment, PaymentEvent, PaymentFilter, PaymentMethod, PaymentStatus, StoreError, TenantTx};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(list_payments))
        .routes(routes!(get_payment))
        .routes(routes!(approve_payment))
        .routes(routes!(reject_payment))
        .routes(routes!(refund_payment))
}

/// The actor recorded for decisions made through the API.
const ACTOR: &str = "api";

/// Which payments, and which page of them.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentQuery {
    /// Items per page (1–200, default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
    /// Only this status: `pending`, `submitted`, `paid`, `rejected`, `expired`, `failed`, `refunded`.
    pub status: Option<String>,
    /// Only this method: `card`, `zarinpal`, `stars`.
    pub method: Option<String>,
    /// Only this customer's payments.
    pub customer_id: Option<i64>,
}

/// A payment as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentBody {
    /// Payment id.
    pub id: i64,
    /// The paying customer.
    pub customer_id: i64,
    /// `card`, `zarinpal` or `stars`.
    pub method: String,
    /// `pending`, `submitted` (card receipt in, waiting for an admin), `paid`, `rejected`, `expired`, `failed` or
    /// `refunded`.
    pub status: String,
    /// What the customer pays, in minor units of `pay_currency`.
    pub amount: i64,
    /// Currency of `amount` (`IRR`, `IRT`, or `XTR` for Stars).
    pub pay_currency: String,
    /// What the wallet receives, in minor units of `currency`.
    pub credit: i64,
    /// The tenant's currency.
    pub currency: String,
    /// The plan bought with it once credited.
    pub plan_id: Option<i64>,
    /// The promo code for that purchase.
    pub promo: Option<String>,
    /// Card-to-card: the card shown to the payer.
    pub card_id: Option<i64>,
    /// Card-to-card: that card's number, masked (`603799******1234`).
    pub card_number: Option<String>,
    /// Short code the customer and the admins quote.
    pub tracking_code: String,
    /// When an unpaid payment closes itself (unix ms).
    pub expires_at: i64,
    /// Card-to-card: whether a receipt photo was sent.
    pub receipt_photo: bool,
    /// Card-to-card: the receipt's text, every run of 12+ digits masked.
    pub receipt_text: Option<String>,
    /// Zarinpal: the request's authority.
    pub authority: Option<String>,
    /// Zarinpal: the reference id of the verified payment.
    pub ref_id: Option<String>,
    /// Zarinpal: the payer's card as masked by the gateway.
    pub card_pan: Option<String>,
    /// Zarinpal: the gateway's fee.
    pub fee: Option<i64>,
    /// Stars: Telegram's charge id.
    pub charge_id: Option<String>,
    /// Telegram user id of the admin who decided (`null` when decided through the API or automatically).
    pub decided_by: Option<i64>,
    /// Why it was rejected or failed (12+ digit runs masked).
    pub reason: Option<String>,
    /// Created (unix ms).
    pub created_at: i64,
}

/// One step of a payment's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentEventBody {
    /// The status entered.
    pub status: String,
    /// Who moved it: `customer`, `admin:<telegram id>`, `api`, `zarinpal`, `telegram`, `system`, `operator`.
    pub actor: Option<String>,
    /// Why, or what came with it (12+ digit runs masked).
    pub note: Option<String>,
    /// When (unix ms).
    pub created_at: i64,
}

/// A payment with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDetail {
    /// The payment.
    #[serde(flatten)]
    pub payment: PaymentBody,
    /// Every status it went through, oldest first.
    pub events: Vec<PaymentEventBody>,
}

/// Why a card payment is rejected.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectPayment {
    /// The reason, shown to the customer (1–500 characters).
    pub reason: String,
}

fn body(payment: Payment, cards: &HashMap<CardId, String>) -> PaymentBody {
    PaymentBody {
        id: payment.id.get(),
        customer_id: payment.customer_id.get(),
        method: payment.method.as_str().to_owned(),
        status: payment.status.as_str().to_owned(),
        amount: payment.charge.parts().0,
        pay_currency: payment.charge.parts().1.to_owned(),
        credit: payment.credit.minor(),
        currency: payment.credit.code().to_owned(),
        plan_id: payment.plan_id.map(PlanId::get),
        promo: payment.promo,
        card_id: payment.card_id.map(CardId::get),
        card_number: payment.card_id.and_then(|id| cards.get(&id).cloned()),
        tracking_code: payment.tracking_code,
        expires_at: payment.expires_at,
        receipt_photo: payment.receipt_file_id.is_some(),
        receipt_text: payment.receipt_text.as_deref().map(mask_digit_runs),
        authority: payment.authority,
        ref_id: payment.ref_id,
        card_pan: payment.card_pan.as_deref().map(mask_digit_runs),
        fee: payment.fee,
        charge_id: payment.charge_id,
        decided_by: payment.decided_by.map(TelegramUserId::get),
        reason: payment.reason.as_deref().map(mask_digit_runs),
        created_at: payment.created_at,
    }
}

fn event(event: PaymentEvent) -> PaymentEventBody {
    PaymentEventBody {
        status: event.status.as_str().to_owned(),
        actor: event.actor,
        note: event.note.as_deref().map(mask_digit_runs),
        created_at: event.created_at,
    }
}

/// Masked numbers of the tenant's cards, by id.
async fn masked_cards(tx: &mut TenantTx) -> Result<HashMap<CardId, String>, StoreError> {
    Ok(tx.cards().await?.into_iter().map(|c| (c.id, c.masked())).collect())
}

/// The payment with its history, read in `tx`; `None` when the tenant has no such payment.
async fn detail(tx: &mut TenantTx, id: i64) -> Result<Option<PaymentDetail>, StoreError> {
    let Some(payment) = tx.payment(PaymentId::from_raw(id)).await? else { return Ok(None) };
    let cards = masked_cards(tx).await?;
    let events = tx.payment_events(PaymentId::from_raw(id)).await?.into_iter().map(event).collect();
    Ok(Some(PaymentDetail { payment: body(payment, &cards), events }))
}

fn not_found() -> ApiError {
    ApiError::not_found("payment")
}

fn already_decided(status: PaymentStatus) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "already_decided", format!("this payment is already {}", status.as_str()))
}

/// The tenant's payments, newest first, optionally filtered.
#[utoipa::path(
    get,
    path = "/payments",
    tag = "tenant",
    security(("api_token" = [])),
    params(PaymentQuery),
    responses(
        (status = 200, description = "One page of payments, newest first", body = Page<PaymentBody>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "Bad paging parameters, or an unknown status or method", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_payments(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(query): ApiQuery<PaymentQuery>,
) -> Result<Json<Page<PaymentBody>>, ApiError> {
    let (limit, offset) = crate::api::PageQuery { limit: query.limit, offset: query.offset }.checked()?;
    let mut checks = Checks::default();
    let status = query.status.as_deref().and_then(|s| {
        let names: Vec<&str> = PaymentStatus::ALL.iter().map(|s| s.as_str()).collect();
        checks.check("status", PaymentStatus::parse(s).ok_or_else(|| format!("must be one of {}", names.join(", "))))
    });
    let method = query
        .method
        .as_deref()
        .and_then(|m| checks.check("method", PaymentMethod::parse(m).ok_or("must be one of card, zarinpal, stars")));
    checks.finish()?;
    let filter = PaymentFilter { status, method, customer: query.customer_id.map(CustomerId::from_raw) };
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let payments = tx.payments(&filter, limit, offset).await?;
    let cards = masked_cards(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(Page::new(payments.into_iter().map(|p| body(p, &cards)).collect(), limit, offset)))
}

/// One payment with its status history.
#[utoipa::path(
    get,
    path = "/payments/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The payment and its history", body = PaymentDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such payment in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_payment(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<PaymentDetail>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let found = detail(&mut tx, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(found))
}

/// Approves an open card-to-card payment (a receipt is in, or the transfer
/// was seen in the bank): the wallet is credited once — however many
/// approvals race, from the API or the bot's Approve button — the plan it was
/// made for is bought, and the customer is told by the bot.
#[utoipa::path(
    post,
    path = "/payments/{id}/approve",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 200, description = "Approved and credited now", body = PaymentDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such card-to-card payment in this tenant", body = ErrorBody),
        (status = 409, description = "Decided before (`already_decided`; the message names the status)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn approve_payment(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<PaymentDetail>, ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let settings = tenant.settings().await?;
    let percent = referral_percent(&settings);
    let mut tx = tenant.begin().await?;
    // `approve_by` credits in the payment's own currency (the tenant's when it
    // was made), so a later change of the tenant's currency does not strand it.
    let decision = card::approve_by(&mut tx, PaymentId::from_raw(id), ACTOR, percent).await?;
    match decision {
        Decision::Approved(_) => {
            let found = detail(&mut tx, id).await?.ok_or_else(not_found)?;
            tx.commit().await?;
            Ok(Json(found))
        }
        Decision::AlreadyDecided(status) => Err(already_decided(status)),
        Decision::Rejected | Decision::NotFound => Err(not_found()),
    }
}

/// Rejects an open card-to-card payment with a reason the customer is told
/// (by the bot). Nothing is credited, now or by a later approval.
#[utoipa::path(
    post,
    path = "/payments/{id}/reject",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    request_body = RejectPayment,
    responses(
        (status = 200, description = "Rejected now", body = PaymentDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such card-to-card payment in this tenant", body = ErrorBody),
        (status = 409, description = "Decided before (`already_decided`; the message names the status)", body = ErrorBody),
        (status = 422, description = "The reason is missing, empty or too long", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn reject_payment(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<RejectPayment>,
) -> Result<Json<PaymentDetail>, ApiError> {
    let n = request.reason.trim().chars().count();
    if n == 0 || n > 500 {
        return Err(ApiError::field("reason", "must be 1 to 500 characters"));
    }
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    match card::reject_by(&mut tx, PaymentId::from_raw(id), ACTOR, &request.reason).await? {
        Decision::Rejected => {
            let found = detail(&mut tx, id).await?.ok_or_else(not_found)?;
            tx.commit().await?;
            Ok(Json(found))
        }
        Decision::AlreadyDecided(status) => Err(already_decided(status)),
        Decision::Approved(_) | Decision::NotFound => Err(not_found()),
    }
}

/// Gives a paid Telegram Stars payment back: Telegram returns the Stars to the
/// customer (`refundStarPayment`), then the payment becomes `refunded` and its
/// credit leaves the wallet — once, whatever is retried.
#[utoipa::path(
    post,
    path = "/payments/{id}/refund",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 200, description = "Refunded now", body = PaymentDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such Telegram Stars payment in this tenant", body = ErrorBody),
        (status = 409, description = "Not refundable: not paid, refunded already, or its credit was partly spent \
                                      (`not_refundable`, `spent`)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody),
        (status = 502, description = "Telegram refused or could not be reached; nothing changed", body = ErrorBody)
    )
)]
async fn refund_payment(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<PaymentDetail>, ApiError> {
    let outcome = stars::refund(&state.store, &caller.scope, &state.telegram, PaymentId::from_raw(id), ACTOR).await;
    let conflict = |code: &'static str, message: String| ApiError::new(StatusCode::CONFLICT, code, message);
    match outcome {
        Ok(Refund::Refunded { .. }) => {
            let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
            let found = detail(&mut tx, id).await?.ok_or_else(not_found)?;
            tx.commit().await?;
            Ok(Json(found))
        }
        Ok(Refund::NotFound | Refund::NotStars(_)) => Err(ApiError::not_found("Telegram Stars payment")),
        Ok(Refund::NotRefundable(status) | Refund::ChangedMeanwhile(status)) => Err(conflict(
            "not_refundable",
            format!(
                "the payment is {}; only a paid Stars payment can be refunded",
                status.map_or("gone", |s| s.as_str())
            ),
        )),
        Ok(Refund::Spent { balance, credit }) => Err(conflict(
            "spent",
            format!("the customer already spent part of the credit (wallet {balance} of {credit}); nothing refunded"),
        )),
        Err(stars::RefundError::Store(e)) => Err(e.into()),
        Err(stars::RefundError::Telegram(e)) => {
            tracing::warn!(payment = %id, error = %e, "Stars refund refused by Telegram");
            Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "telegram_unavailable",
                "Telegram did not refund; nothing changed",
            ))
        }
    }
}
