//! `/customers…`: the tenant's customers — list and search, one customer with
//! their wallet, ban and unban, and manual wallet corrections.

use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, PageQuery, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{Charge, Currency, CustomerId, Money};
use bazar_shop::admin_ops::{self, AdjustOutcome};
use bazar_store::{Customer, CustomerSearch, LedgerEntry, StoreError, TenantTx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers))
        .routes(routes!(get_customer))
        .routes(routes!(ban_customer))
        .routes(routes!(unban_customer))
        .routes(routes!(adjust_wallet))
}

/// An amount of money: an integer in minor units of `currency`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Amount {
    /// Integer amount in minor units of `currency` (negative for a debit).
    pub amount: i64,
    /// `IRR`, `IRT` (or `XTR` for Telegram Stars).
    pub currency: String,
}

impl Amount {
    /// `amount` of `currency`.
    pub fn new(amount: i64, currency: impl Into<String>) -> Self {
        Self { amount, currency: currency.into() }
    }
}

impl From<Money> for Amount {
    fn from(money: Money) -> Self {
        Self::new(money.minor(), money.code())
    }
}

impl From<Charge> for Amount {
    fn from(charge: Charge) -> Self {
        let (amount, code) = charge.parts();
        Self::new(amount, code)
    }
}

/// A customer: a Telegram user who wrote to this tenant's bot.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    /// Customer id (this tenant's; the same Telegram user is another customer in another bot).
    pub id: i64,
    /// Telegram user id.
    pub telegram_id: i64,
    /// Telegram `@username`, without the `@`.
    pub username: Option<String>,
    /// Telegram first name.
    pub first_name: Option<String>,
    /// Language of the bot's messages (`fa`, `ru`, `en`), if chosen or derived.
    pub language: Option<String>,
    /// Banned by the tenant: the bot ignores them.
    pub banned: bool,
    /// Since when they are banned (unix ms).
    pub banned_at: Option<i64>,
    /// They blocked the bot (Telegram refuses messages to them).
    pub blocked: bool,
    /// Since when they blocked the bot (unix ms).
    pub blocked_at: Option<i64>,
    /// They asked for automatic renewal from the wallet.
    pub auto_renew: bool,
    /// First contact (unix ms).
    pub created_at: i64,
    /// Last update from them (unix ms).
    pub last_seen_at: i64,
}

impl From<Customer> for CustomerView {
    fn from(c: Customer) -> Self {
        Self {
            id: c.id.get(),
            telegram_id: c.telegram_id.get(),
            username: c.username,
            first_name: c.first_name,
            language: c.language.map(|l| l.code().to_owned()),
            banned: c.banned,
            banned_at: c.banned_at,
            blocked: c.blocked_at.is_some(),
            blocked_at: c.blocked_at,
            auto_renew: c.auto_renew,
            created_at: c.created_at,
            last_seen_at: c.last_seen_at,
        }
    }
}

/// One customer with their wallet and subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetail {
    /// The customer.
    #[serde(flatten)]
    pub customer: CustomerView,
    /// Wallet balance, in the tenant's currency.
    pub balance: Amount,
    /// Subscriptions ever (any status).
    pub subscriptions: i64,
    /// Subscriptions live now.
    pub active_subscriptions: i64,
}

/// Search of the customer list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// A Telegram user id (exact, digits only) or a username prefix (case-insensitive, with or without `@`).
    pub q: Option<String>,
}

/// A manual correction of a customer's wallet.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalletAdjustment {
    /// Signed integer in minor units of the tenant's currency: positive credits, negative debits; not zero.
    #[schema(example = 50000)]
    pub amount: i64,
    /// Why (1–200 characters); kept in the ledger.
    #[schema(example = "compensation for the outage on 12 Azar")]
    pub reason: String,
    /// Optional key (1–100 of `A-Z a-z 0-9 . _ : -`): the same key again posts nothing and answers 200 with
    /// `duplicate: true`. Without it every request posts.
    pub idempotency_key: Option<String>,
}

/// A ledger row made by a wallet adjustment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentView {
    /// Ledger entry id.
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// The amount posted (negative for a debit).
    pub amount: Amount,
    /// Always `adjustment`.
    pub kind: String,
    /// The ledger's reference: `api: <reason>`.
    pub reference: Option<String>,
    /// When it was posted (unix ms).
    pub created_at: i64,
    /// The wallet balance now.
    pub balance: Amount,
    /// True when this key was posted before and this is that earlier row: nothing changed.
    pub duplicate: bool,
    /// The key the client gave, if any.
    pub idempotency_key: Option<String>,
}

/// Largest amount one adjustment may move.
const MAX_ADJUSTMENT: u64 = 1_000_000_000_000_000;

async fn balance(tx: &mut TenantTx, currency: Currency, customer: CustomerId) -> Result<Amount, StoreError> {
    Ok(tx.balance(customer, currency).await?.into())
}

async fn detail(tx: &mut TenantTx, currency: Currency, customer: Customer) -> Result<CustomerDetail, StoreError> {
    let balance = balance(tx, currency, customer.id).await?;
    let counts = tx.customer_subscription_counts(customer.id).await?;
    Ok(CustomerDetail {
        customer: customer.into(),
        balance,
        subscriptions: counts.total,
        active_subscriptions: counts.active,
    })
}

/// The tenant's customers, oldest first; `q` narrows them to one Telegram id or a username prefix.
#[utoipa::path(
    get,
    path = "/customers",
    tag = "tenant",
    security(("api_token" = [])),
    params(PageQuery, CustomerQuery),
    responses(
        (status = 200, description = "One page of customers, in id order", body = Page<CustomerView>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "Bad paging parameters", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_customers(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiQuery(query): ApiQuery<CustomerQuery>,
) -> Result<Json<Page<CustomerView>>, ApiError> {
    let (limit, offset) = page.checked()?;
    let search = CustomerSearch::parse(query.q.as_deref().unwrap_or_default());
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let customers = tx.customers_page(&search, limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(customers.into_iter().map(CustomerView::from).collect(), limit, offset)))
}

/// One customer, with wallet balance and subscription counts.
#[utoipa::path(
    get,
    path = "/customers/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer", body = CustomerDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "This tenant has no such customer", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_customer(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<CustomerDetail>, ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency();
    let mut tx = tenant.begin_read().await?;
    let customer = tx.customer(CustomerId::from_raw(id)).await?.ok_or_else(|| ApiError::not_found("customer"))?;
    let detail = detail(&mut tx, currency, customer).await?;
    tx.commit().await?;
    Ok(Json(detail))
}

async fn set_banned(
    state: &ApiState,
    caller: &TenantCaller,
    id: i64,
    banned: bool,
) -> Result<CustomerDetail, ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency();
    let mut tx = tenant.begin().await?;
    let customer = tx
        .set_customer_banned(CustomerId::from_raw(id), banned)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let detail = detail(&mut tx, currency, customer).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Bans a customer: the bot ignores everything they send until unbanned. Idempotent.
#[utoipa::path(
    post,
    path = "/customers/{id}/ban",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer, banned", body = CustomerDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "This tenant has no such customer", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn ban_customer(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<CustomerDetail>, ApiError> {
    Ok(Json(set_banned(&state, &caller, id, true).await?))
}

/// Lifts a customer's ban. Idempotent.
#[utoipa::path(
    post,
    path = "/customers/{id}/unban",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer, not banned", body = CustomerDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "This tenant has no such customer", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn unban_customer(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<CustomerDetail>, ApiError> {
    Ok(Json(set_banned(&state, &caller, id, false).await?))
}

async fn post_adjustment(
    tx: &mut TenantTx,
    customer: CustomerId,
    body: &WalletAdjustment,
    currency: Currency,
) -> Result<(StatusCode, AdjustmentView), ApiError> {
    let key = body.idempotency_key.as_deref();
    let amount = Money::new(body.amount, currency);
    let outcome = admin_ops::adjust_wallet(tx, customer, amount, &body.reason, "api", key).await?;
    let view = |entry: LedgerEntry, balance: Money, duplicate: bool| AdjustmentView {
        id: entry.id,
        customer_id: customer.get(),
        amount: entry.amount.into(),
        kind: entry.kind.as_str().to_owned(),
        reference: entry.reference,
        created_at: entry.created_at,
        balance: balance.into(),
        duplicate,
        idempotency_key: body.idempotency_key.clone(),
    };
    match outcome {
        AdjustOutcome::Posted { entry, balance } => Ok((StatusCode::CREATED, view(entry, balance, false))),
        AdjustOutcome::Duplicate { entry, balance } => Ok((StatusCode::OK, view(entry, balance, true))),
        AdjustOutcome::KeyReused => Err(ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_key_reused",
            "this idempotency_key was used for another adjustment (other customer or amount)",
        )),
        AdjustOutcome::NoSuchCustomer => Err(ApiError::not_found("customer")),
    }
}

/// Credits (positive `amount`) or debits (negative) a customer's wallet by hand, as one ledger row of kind
/// `adjustment`. A debit beyond the balance is refused. With an `idempotency_key`, a retry posts nothing.
#[utoipa::path(
    post,
    path = "/customers/{id}/wallet-adjustments",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Customer id")),
    request_body = WalletAdjustment,
    responses(
        (status = 201, description = "Posted", body = AdjustmentView),
        (status = 200, description = "This idempotency_key was posted before: nothing changed (`duplicate: true`)",
         body = AdjustmentView),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "This tenant has no such customer", body = ErrorBody),
        (status = 409, description = "`insufficient_funds`: the debit exceeds the balance; \
                                      `idempotency_key_reused`: the key belongs to another adjustment",
         body = ErrorBody),
        (status = 422, description = "Zero or too large amount, empty or long reason, malformed key", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn adjust_wallet(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<WalletAdjustment>,
) -> Result<(StatusCode, Json<AdjustmentView>), ApiError> {
    if body.amount == 0 || body.amount.unsigned_abs() > MAX_ADJUSTMENT {
        return Err(ApiError::field("amount", format!("must be non-zero and at most {MAX_ADJUSTMENT} either way")));
    }
    admin_ops::check_reason(&body.reason).map_err(|e| ApiError::field("reason", e))?;
    if let Some(key) = &body.idempotency_key {
        admin_ops::check_key(key).map_err(|e| ApiError::field("idempotency_key", e))?;
    }
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency();
    let customer = CustomerId::from_raw(id);
    let mut tx = tenant.begin().await?;
    let (status, view) = post_adjustment(&mut tx, customer, &body, currency).await?;
    tx.commit().await?;
    Ok((status, Json(view)))
}
