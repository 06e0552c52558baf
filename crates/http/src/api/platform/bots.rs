//! `/platform/bots…`: the operator registers, lists, stops and restarts
//! tenants, and replaces their API tokens. The same checks as `bazar bot add`:
//! the token must have BotFather's shape and Telegram's `getMe` must answer for
//! the bot it names. Telegram tokens never leave the server; API tokens are
//! shown once, in the answer that creates them.

use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, PageQuery, PlatformCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{BotId, BotStatus, BotToken, TelegramUserId};
use bazar_store::{BotRecord, NewBot};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(list_bots, create_bot))
        .routes(routes!(get_bot))
        .routes(routes!(disable_bot))
        .routes(routes!(enable_bot))
        .routes(routes!(suspend_bot))
        .routes(routes!(rotate_api_token))
}

/// A tenant bot as the operator sees it. Never carries a token.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformBot {
    /// Tenant (bot) id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Telegram `@username` of the bot, without the `@`.
    pub username: Option<String>,
    /// Telegram's user id of the bot (the public part of its token).
    pub telegram_bot_id: i64,
    /// `active`, `suspended` or `disabled`.
    pub status: String,
    /// Whether this is the platform's master bot.
    pub is_master: bool,
    /// Telegram id of the reseller who owns the tenant, if known.
    pub owner_telegram_id: Option<i64>,
    /// How many customers the tenant has.
    pub customer_count: i64,
    /// When the bot was added (unix milliseconds).
    pub created_at: i64,
}

impl From<BotRecord> for PlatformBot {
    fn from(b: BotRecord) -> Self {
        Self {
            id: b.id.get(),
            name: b.name,
            username: b.username,
            telegram_bot_id: b.telegram_bot_id,
            status: b.status.as_str().to_owned(),
            is_master: b.is_master,
            owner_telegram_id: b.owner_telegram_id.map(|o| o.get()),
            customer_count: b.customer_count,
            created_at: b.created_at,
        }
    }
}

/// A bot to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBot {
    /// The bot's Telegram token from @BotFather (`<digits>:<secret>`). Checked with Telegram's `getMe`, then
    /// stored encrypted; it is never shown again.
    #[schema(example = "123456789:AAHk2v-example-example-example-exampl")]
    pub token: String,
    /// Display name (1–64 characters, no control characters); by default the bot's name on Telegram.
    pub name: Option<String>,
    /// Telegram user ids who become the tenant's first admins.
    pub admins: Option<Vec<i64>>,
    /// Telegram user id of the reseller who owns the tenant.
    pub owner: Option<i64>,
}

/// A bot just registered, with its first API token.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedBot {
    /// The bot.
    pub bot: PlatformBot,
    /// The tenant's API token (`bzr_…`). **Shown only this once**: the server keeps only its hash. Store it now;
    /// `POST /api/v1/platform/bots/{id}/rotate-api-token` replaces it.
    pub api_token: String,
}

/// A new API token.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedToken {
    /// Tenant (bot) id.
    pub id: i64,
    /// The new API token (`bzr_…`). **Shown only this once**: the server keeps only its hash. Every earlier token of
    /// this tenant is revoked.
    pub api_token: String,
}

fn bot_id(raw: &str) -> Result<BotId, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found("bot"))
}

fn telegram_user(field: &str, raw: i64) -> Result<TelegramUserId, ApiError> {
    raw.to_string().parse().map_err(|_| ApiError::field(field, "must be a positive Telegram user id"))
}

/// Every tenant bot, oldest first.
#[utoipa::path(
    get,
    path = "/bots",
    tag = "platform",
    security(("platform_token" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of bots (no tokens)", body = Page<PlatformBot>),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 422, description = "Bad paging parameters", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_bots(
    caller: PlatformCaller,
    State(state): State<ApiState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<PlatformBot>>, ApiError> {
    let (limit, offset) = page.checked()?;
    let scope = caller.scope;
    let bots = state.store.platform(&scope).bots_page(limit, offset).await?;
    Ok(Json(Page::new(bots.into_iter().map(PlatformBot::from).collect(), limit, offset)))
}

/// One tenant bot.
#[utoipa::path(
    get,
    path = "/bots/{id}",
    tag = "platform",
    security(("platform_token" = [])),
    params(("id" = i64, Path, description = "Tenant (bot) id")),
    responses(
        (status = 200, description = "The bot (no tokens)", body = PlatformBot),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_bot(
    caller: PlatformCaller,
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<PlatformBot>, ApiError> {
    let scope = caller.scope;
    Ok(Json(state.store.platform(&scope).bot(bot_id(&id)?).await?.into()))
}

/// Registers a tenant bot, as `bazar bot add` does: the token must have BotFather's shape and Telegram's `getMe`
/// must answer for the bot it names. Answers the bot and its API token, which is shown only this once. The master
/// bot is registered only through the CLI (`bazar bot add --master`).
#[utoipa::path(
    post,
    path = "/bots",
    tag = "platform",
    security(("platform_token" = [])),
    request_body = CreateBot,
    responses(
        (status = 201, description = "Registered; the answer holds the tenant's API token, shown only this once",
         body = CreatedBot),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 409, description = "This bot (same Telegram bot id or token) is already registered",
         body = ErrorBody),
        (status = 422, description = "Malformed token, a token Telegram rejects (revoked, mistyped) or that names \
                                      another bot, or a bad name, admin or owner", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody),
        (status = 502, description = "Telegram could not be reached to check the token; try again", body = ErrorBody)
    )
)]
async fn create_bot(
    caller: PlatformCaller,
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<CreateBot>,
) -> Result<(StatusCode, Json<CreatedBot>), ApiError> {
    let token = BotToken::parse(&body.token).map_err(|e| ApiError::field("token", e.to_string()))?;
    let admins = body.admins.unwrap_or_default();
    if admins.len() > 100 {
        return Err(ApiError::field("admins", "at most 100 admins"));
    }
    let admins = admins.into_iter().map(|a| telegram_user("admins", a)).collect::<Result<Vec<_>, _>>()?;
    let owner = body.owner.map(|o| telegram_user("owner", o)).transpose()?;
    if let Some(name) = &body.name
        && !valid_name(name)
    {
        return Err(ApiError::field("name", "must be 1 to 64 characters, without control characters"));
    }
    // Check the token with Telegram before anything is written.
    let me = state.telegram.get_me(&token).await.map_err(|e| {
        if e.is_unauthorized() {
            ApiError::field(
                "token",
                "Telegram rejected this bot token (revoked or mistyped); get a fresh one from @BotFather",
            )
        } else {
            tracing::warn!(error = %e, "getMe for a new bot failed");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "telegram_unavailable",
                "could not check the token with Telegram; try again shortly",
            )
        }
    })?;
    if me.id != token.telegram_bot_id() || !me.is_bot {
        return Err(ApiError::field("token", "getMe answered for a different bot than the token names"));
    }
    let username = me.username;
    let name = body
        .name
        .or(Some(me.first_name))
        .filter(|n| valid_name(n))
        .or_else(|| username.clone())
        .unwrap_or_else(|| format!("bot {}", token.telegram_bot_id()));
    let name = name.trim().to_owned();
    let scope = caller.scope;
    let (record, api_token) =
        state.store.platform(&scope).add_bot(NewBot { token, name, username, is_master: false, admins, owner }).await?;
    Ok((StatusCode::CREATED, Json(CreatedBot { bot: record.into(), api_token: api_token.expose().to_owned() })))
}

/// 1–64 characters after trimming, none of them control characters (PostgreSQL refuses NUL in text).
fn valid_name(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty() && name.chars().count() <= 64 && !name.chars().any(char::is_control)
}

async fn set_status(
    caller: PlatformCaller,
    state: &ApiState,
    id: &str,
    status: BotStatus,
) -> Result<Json<PlatformBot>, ApiError> {
    let scope = caller.scope;
    Ok(Json(state.store.platform(&scope).set_status(bot_id(id)?, status).await?.into()))
}

/// Switches a bot off: its updates are dropped and its API token is refused (403) until it is enabled again.
#[utoipa::path(
    post,
    path = "/bots/{id}/disable",
    tag = "platform",
    security(("platform_token" = [])),
    params(("id" = i64, Path, description = "Tenant (bot) id")),
    responses(
        (status = 200, description = "The bot, now disabled", body = PlatformBot),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn disable_bot(
    caller: PlatformCaller,
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<PlatformBot>, ApiError> {
    set_status(caller, &state, &id, BotStatus::Disabled).await
}

/// Serves a bot again (from disabled or suspended).
#[utoipa::path(
    post,
    path = "/bots/{id}/enable",
    tag = "platform",
    security(("platform_token" = [])),
    params(("id" = i64, Path, description = "Tenant (bot) id")),
    responses(
        (status = 200, description = "The bot, now active", body = PlatformBot),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn enable_bot(
    caller: PlatformCaller,
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<PlatformBot>, ApiError> {
    set_status(caller, &state, &id, BotStatus::Active).await
}

/// Suspends a bot (e.g. unpaid): customers are told the shop is unavailable and its API token is refused (403).
#[utoipa::path(
    post,
    path = "/bots/{id}/suspend",
    tag = "platform",
    security(("platform_token" = [])),
    params(("id" = i64, Path, description = "Tenant (bot) id")),
    responses(
        (status = 200, description = "The bot, now suspended", body = PlatformBot),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn suspend_bot(
    caller: PlatformCaller,
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<PlatformBot>, ApiError> {
    set_status(caller, &state, &id, BotStatus::Suspended).await
}

/// Revokes every API token of the tenant and issues a new one, shown only this once.
#[utoipa::path(
    post,
    path = "/bots/{id}/rotate-api-token",
    tag = "platform",
    security(("platform_token" = [])),
    params(("id" = i64, Path, description = "Tenant (bot) id")),
    responses(
        (status = 200, description = "The new API token, shown only this once; the old ones no longer work",
         body = RotatedToken),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn rotate_api_token(
    caller: PlatformCaller,
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<RotatedToken>, ApiError> {
    let id = bot_id(&id)?;
    let scope = caller.scope;
    let token = state.store.platform(&scope).rotate_api_token(id).await?;
    Ok(Json(RotatedToken { id: id.get(), api_token: token.expose().to_owned() }))
}
