//! `/payment-cards…`: the tenant's bank cards for card-to-card payments.
//!
//! A card number goes in once and never comes out: every answer carries the
//! masked form (`603799******1234`), as do the CLI's listings; only the
//! customer who pays to a card sees it whole, in the bot. Refusals never echo
//! the number either (it is read as any JSON value and parsed here, so even a
//! mistyped number is not quoted back by the JSON parser).

use super::plans::{Checks, double_option};
use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, PageQuery, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{Bank, CardError, CardId, CardNumber, Iban, IbanError, mask_card_number};
use bazar_shop::cards::{self, CardChange, CardDraft, CardRefusal};
use bazar_store::PaymentCard;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(list_cards, create_card)).routes(routes!(get_card, update_card, delete_card))
}

/// A payment card as the API shows it: the number masked, always.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardBody {
    /// Card id.
    pub id: i64,
    /// The number, masked: first six and last four digits (`603799******1234`).
    pub number: String,
    /// Bank code recognised from the number (`melli`, `saman`, …).
    pub bank: Option<String>,
    /// The bank's English name.
    pub bank_name: Option<String>,
    /// Account holder, as the bank shows it to the payer.
    pub holder: String,
    /// The IBAN (Sheba), masked (`IR06******************0001`).
    pub iban: Option<String>,
    /// Share of payments under weighted rotation (1–100).
    pub weight: u32,
    /// Most assigned to this card per Tehran day, in minor units of `currency` (`null`: no cap).
    pub daily_cap: Option<i64>,
    /// Amount assigned to it today (open and paid payments), in minor units of `currency`.
    pub used_today: i64,
    /// Payments assigned to it today.
    pub payments_today: i64,
    /// The tenant's currency.
    pub currency: String,
    /// Shown to paying customers.
    pub active: bool,
}

impl CardBody {
    fn new(card: PaymentCard, currency: &str) -> Self {
        let iban =
            card.iban.as_deref().map(|i| Iban::parse(i).map(|i| i.masked()).unwrap_or_else(|_| mask_card_number(i)));
        Self {
            id: card.id.get(),
            number: card.masked(),
            bank_name: card.bank.as_deref().and_then(Bank::from_code).map(|b| b.name_en().to_owned()),
            bank: card.bank.clone(),
            holder: card.holder.clone(),
            iban,
            weight: card.weight,
            daily_cap: card.daily_cap,
            used_today: card.used_today,
            payments_today: card.payments_today,
            currency: currency.to_owned(),
            active: card.active,
        }
    }
}

/// A card to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCard {
    /// The 16-digit card number (spaces, dashes and Persian digits allowed); Luhn-checked.
    #[schema(value_type = String, example = "6037-9912-3456-7893")]
    pub number: Value,
    /// Account holder's name (1–64 characters).
    pub holder: String,
    /// The account's IBAN (Sheba), e.g. `IR06 2960 0000 0010 0324 2000 01`.
    #[schema(value_type = Option<String>)]
    pub iban: Option<Value>,
    /// Share of payments under weighted rotation (1–100, default 1).
    pub weight: Option<u32>,
    /// Most assigned to this card per Tehran day, in minor units of the tenant's currency (above 0).
    pub daily_cap: Option<i64>,
}

/// Changes to a card: only the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCard {
    /// Account holder's name (1–64 characters).
    pub holder: Option<String>,
    /// The IBAN (`null` removes it).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub iban: Option<Option<Value>>,
    /// Share of payments under weighted rotation (1–100).
    pub weight: Option<u32>,
    /// Daily cap in minor units (`null` removes it).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub daily_cap: Option<Option<i64>>,
    /// Shown to paying customers or not.
    pub active: Option<bool>,
}

/// The text of a value given as a JSON string or number, without quoting it back.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A card number as the API takes it (a string or a number); anything else is not digits.
fn number(value: &Value) -> Result<CardNumber, CardError> {
    text(value).map_or(Err(CardError::NotDigits), |text| CardNumber::parse(&text))
}

/// An IBAN as the API takes it; a value that is not text is not one.
fn iban(value: &Value) -> Result<Iban, IbanError> {
    text(value).map_or(Err(IbanError::NotDigits), |text| Iban::parse(&text))
}

/// A refusal of the card use cases: one 422 naming every refused field (409 for a card already there).
fn refused(refusal: CardRefusal) -> ApiError {
    match refusal {
        CardRefusal::Invalid(fields) => Checks::refused(fields.iter().map(|f| (f.field.as_str(), f.reason.as_str()))),
        CardRefusal::Exists => ApiError::new(StatusCode::CONFLICT, "conflict", refusal.to_string()),
        CardRefusal::Store(e) => e.into(),
    }
}

fn not_found() -> ApiError {
    ApiError::not_found("payment card")
}

/// Every card of the tenant by id, masked, with today's use.
#[utoipa::path(
    get,
    path = "/payment-cards",
    tag = "tenant",
    security(("api_token" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of cards (numbers masked)", body = Page<CardBody>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "Bad paging parameters", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_cards(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<CardBody>>, ApiError> {
    let (limit, offset) = page.checked()?;
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency().code();
    let mut tx = tenant.begin_read().await?;
    let cards = tx.cards_page(limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(cards.into_iter().map(|c| CardBody::new(c, currency)).collect(), limit, offset)))
}

/// Adds a card (checked like `bazar card add`: Luhn, IBAN check digits); it
/// joins the rotation at once. The answer shows the number masked.
#[utoipa::path(
    post,
    path = "/payment-cards",
    tag = "tenant",
    security(("api_token" = [])),
    request_body = CreateCard,
    responses(
        (status = 201, description = "The new card (number masked)", body = CardBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 409, description = "This tenant has this card already", body = ErrorBody),
        (status = 422, description = "A field is missing or refused (named in `fields`)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn create_card(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<CreateCard>,
) -> Result<(StatusCode, Json<CardBody>), ApiError> {
    let draft = CardDraft {
        number: number(&body.number),
        holder: body.holder,
        iban: body.iban.as_ref().filter(|v| !v.is_null()).map(iban),
        weight: body.weight.unwrap_or(1),
        daily_cap: body.daily_cap,
        parse_refusals: Vec::new(),
    };
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency().code();
    let mut tx = tenant.begin().await?;
    let card = cards::add(&mut tx, draft).await.map_err(refused)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(CardBody::new(card, currency))))
}

/// One card, masked, with today's use.
#[utoipa::path(
    get,
    path = "/payment-cards/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Card id")),
    responses(
        (status = 200, description = "The card (number masked)", body = CardBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such card in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_card(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<CardBody>, ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency().code();
    let mut tx = tenant.begin_read().await?;
    let card = tx.card(CardId::from_raw(id)).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(CardBody::new(card, currency)))
}

/// Changes the fields given; the number itself cannot change (add the new
/// card and disable the old one).
#[utoipa::path(
    patch,
    path = "/payment-cards/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Card id")),
    request_body = UpdateCard,
    responses(
        (status = 200, description = "The card as it is now (number masked)", body = CardBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such card in this tenant", body = ErrorBody),
        (status = 422, description = "A field is refused (named in `fields`)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn update_card(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdateCard>,
) -> Result<Json<CardBody>, ApiError> {
    let change = CardChange {
        holder: body.holder,
        iban: body.iban.map(|i| i.map(|v| iban(&v))),
        weight: body.weight,
        daily_cap: body.daily_cap,
        active: body.active,
        parse_refusals: Vec::new(),
    };
    change_card(&state, &caller, id, change).await.map(Json)
}

/// Disables a card: it leaves the rotation at once, but stays (payments refer
/// to it), and `PATCH {"active": true}` brings it back. Open payments already
/// shown with it can still be paid and approved.
#[utoipa::path(
    delete,
    path = "/payment-cards/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Card id")),
    responses(
        (status = 200, description = "The card, now disabled (number masked)", body = CardBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such card in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn delete_card(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<CardBody>, ApiError> {
    let change = CardChange { active: Some(false), ..CardChange::default() };
    change_card(&state, &caller, id, change).await.map(Json)
}

async fn change_card(
    state: &ApiState,
    caller: &TenantCaller,
    id: i64,
    change: CardChange,
) -> Result<CardBody, ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency().code();
    let mut tx = tenant.begin().await?;
    let card = cards::update(&mut tx, CardId::from_raw(id), change).await.map_err(refused)?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(CardBody::new(card, currency))
}
