//! Adding and changing payment cards: one rule for the CLI, the REST API and
//! the admin menus.
//!
//! Each interface parses what a person typed (the number with
//! [`CardNumber::parse`], an IBAN with [`Iban::parse`], an amount in its own
//! way) and hands the results here, failures included; [`add`] and
//! [`update`] check every field with the domain's rules and answer with all
//! refused fields at once, writing nothing unless all are fine.

use crate::refusal::{Checks, Refused, joined};
use bazar_domain::{CardError, CardId, CardNumber, Iban, IbanError, check_daily_cap, check_holder, check_weight};
use bazar_store::{CardUpdate, NewCard, PaymentCard, StoreError, TenantTx};

/// Which field of a card was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardField {
    /// `number`
    Number,
    /// `holder`
    Holder,
    /// `iban`
    Iban,
    /// `weight`
    Weight,
    /// `daily_cap`
    DailyCap,
}

impl CardField {
    /// The field's name as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Holder => "holder",
            Self::Iban => "iban",
            Self::Weight => "weight",
            Self::DailyCap => "daily_cap",
        }
    }
}

/// One refused field of a card.
pub type CardRefused = Refused<CardField>;

/// Why a card was not added or changed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum CardRefusal {
    /// Fields out of their rules — all of them.
    #[error("{}", joined(.0))]
    Invalid(Vec<CardRefused>),
    /// The tenant has this card already.
    #[error("this card is already registered")]
    Exists,
    /// The database failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CardRefusal {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => Self::Exists,
            other => Self::Store(other),
        }
    }
}

/// A card to add, as an interface parsed it.
#[derive(Debug, Clone)]
pub struct CardDraft {
    /// The number, or why it did not parse.
    pub number: Result<CardNumber, CardError>,
    /// The holder's name as typed.
    pub holder: String,
    /// The IBAN, if given, or why it did not parse.
    pub iban: Option<Result<Iban, IbanError>>,
    /// Weight under weighted rotation (1 when not given).
    pub weight: u32,
    /// Daily cap in minor units, if given.
    pub daily_cap: Option<i64>,
    /// What the interface refused while parsing its own input.
    pub parse_refusals: Vec<CardRefused>,
}

/// Changes to a card; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CardChange {
    /// New holder name, as typed.
    pub holder: Option<String>,
    /// New IBAN (`Some(None)` removes it), or why it did not parse.
    pub iban: Option<Option<Result<Iban, IbanError>>>,
    /// New weight.
    pub weight: Option<u32>,
    /// New daily cap (`Some(None)` removes it).
    pub daily_cap: Option<Option<i64>>,
    /// Enable or disable.
    pub active: Option<bool>,
    /// What the interface refused while parsing its own input.
    pub parse_refusals: Vec<CardRefused>,
}

/// Adds a card to the tenant's rotation, after checking every field.
pub async fn add(tx: &mut TenantTx, draft: CardDraft) -> Result<PaymentCard, CardRefusal> {
    let mut checks = Checks(draft.parse_refusals);
    let number = checks.check(CardField::Number, draft.number);
    let holder = checks.check(CardField::Holder, check_holder(&draft.holder));
    let iban = draft.iban.map(|i| checks.check(CardField::Iban, i));
    let weight = checks.check(CardField::Weight, check_weight(draft.weight));
    let daily_cap = draft.daily_cap.map(|c| checks.check(CardField::DailyCap, check_daily_cap(c)));
    let (Some(number), Some(holder), Some(weight)) = (number, holder, weight) else {
        return Err(CardRefusal::Invalid(checks.finish().err().unwrap_or_default()));
    };
    checks.finish().map_err(CardRefusal::Invalid)?;
    let new = NewCard { number, holder, iban: iban.flatten(), weight, daily_cap: daily_cap.flatten() };
    Ok(tx.add_card(&new).await?)
}

/// Changes card `id`; `Ok(None)` when this tenant has no such card.
pub async fn update(tx: &mut TenantTx, id: CardId, change: CardChange) -> Result<Option<PaymentCard>, CardRefusal> {
    let mut checks = Checks(change.parse_refusals);
    let update = CardUpdate {
        holder: change.holder.and_then(|h| checks.check(CardField::Holder, check_holder(&h))),
        iban: match change.iban {
            None => None,
            Some(None) => Some(None),
            Some(Some(iban)) => checks.check(CardField::Iban, iban).map(Some),
        },
        weight: change.weight.and_then(|w| checks.check(CardField::Weight, check_weight(w))),
        daily_cap: match change.daily_cap {
            None => None,
            Some(None) => Some(None),
            Some(Some(cap)) => checks.check(CardField::DailyCap, check_daily_cap(cap)).map(Some),
        },
        active: change.active,
    };
    checks.finish().map_err(CardRefusal::Invalid)?;
    Ok(tx.update_card(id, &update).await?)
}
