//! Creating promo codes: one rule for the CLI, the REST API and the admin
//! menus. The interface parses what was typed; [`create`] checks every field
//! (the code's shape, the benefit's range, the validity window, the limits)
//! and answers with all refused fields at once, writing nothing unless all
//! are fine.

use crate::refusal::{Checks, Refused, joined};
use bazar_domain::{PromoBenefit, PromoError, PromoId, normalize_promo_code};
use bazar_store::{NewPromo, Promo, PromoUpdate, StoreError, TenantTx};

/// Which field of a promo code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoField {
    /// `code`
    Code,
    /// `value` (the bonus, percent or days)
    Value,
    /// `starts_at`
    StartsAt,
    /// `ends_at`
    EndsAt,
    /// `max_uses`
    MaxUses,
    /// `per_customer`
    PerCustomer,
}

impl PromoField {
    /// The field's name as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Value => "value",
            Self::StartsAt => "starts_at",
            Self::EndsAt => "ends_at",
            Self::MaxUses => "max_uses",
            Self::PerCustomer => "per_customer",
        }
    }
}

/// One refused field of a promo code.
pub type PromoRefused = Refused<PromoField>;

/// Why a promo code was not created. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PromoRefusal {
    /// Fields out of their rules — all of them.
    #[error("{}", joined(.0))]
    Invalid(Vec<PromoRefused>),
    /// The tenant has this code already.
    #[error("this shop already has that promo code")]
    Exists,
    /// The database failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for PromoRefusal {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => Self::Exists,
            other => Self::Store(other),
        }
    }
}

/// A promo code to create, as an interface parsed it.
#[derive(Debug, Clone)]
pub struct PromoDraft {
    /// The code as typed (normalised here).
    pub code: String,
    /// What it gives (a wallet bonus in the tenant's currency), or why the
    /// interface could not read it.
    pub benefit: Result<PromoBenefit, PromoError>,
    /// Valid from (unix ms).
    pub starts_at: Option<i64>,
    /// Valid until (unix ms).
    pub ends_at: Option<i64>,
    /// Uses allowed in total (`None`: no limit).
    pub max_uses: Option<i64>,
    /// Uses allowed per customer.
    pub per_customer: i64,
    /// What the interface refused while parsing its own input (a date it could not read).
    pub parse_refusals: Vec<PromoRefused>,
}

/// Creates a promo code (active at once), after checking every field.
pub async fn create(tx: &mut TenantTx, draft: PromoDraft) -> Result<Promo, PromoRefusal> {
    let mut checks = Checks(draft.parse_refusals);
    let code = checks.check(PromoField::Code, normalize_promo_code(&draft.code));
    let benefit = checks.check(PromoField::Value, draft.benefit.and_then(PromoBenefit::validated));
    let time = |ms: Option<i64>| match ms {
        Some(t) if t < 0 => Err("must be a time in unix milliseconds"),
        other => Ok(other),
    };
    let starts_at = checks.check(PromoField::StartsAt, time(draft.starts_at)).flatten();
    let ends_at = checks.check(PromoField::EndsAt, time(draft.ends_at)).flatten();
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && e < s
    {
        checks.check(PromoField::EndsAt, Err::<(), _>("the end of validity is before its start"));
    }
    let at_least_one = |n: i64| if n < 1 { Err("must be at least 1") } else { Ok(n) };
    let max_uses = draft.max_uses.and_then(|n| checks.check(PromoField::MaxUses, at_least_one(n)));
    checks.check(PromoField::PerCustomer, at_least_one(draft.per_customer));
    let (Some(code), Some(benefit)) = (code, benefit) else {
        return Err(PromoRefusal::Invalid(checks.finish().err().unwrap_or_default()));
    };
    checks.finish().map_err(PromoRefusal::Invalid)?;
    let new = NewPromo { code, benefit, starts_at, ends_at, max_uses, per_customer: draft.per_customer };
    Ok(tx.insert_promo(&new).await?)
}

/// Changes promo code `id` (switched on or off, its end, its total limit);
/// `Ok(None)` when this tenant has no such code. The end may not come before
/// the start, nor the limit below the uses so far.
pub async fn update(tx: &mut TenantTx, id: PromoId, update: PromoUpdate) -> Result<Option<Promo>, PromoRefusal> {
    let Some(promo) = tx.promo_by_id(id).await? else { return Ok(None) };
    let mut checks = Checks(Vec::new());
    if let Some(Some(end)) = update.ends_at {
        if end < 0 {
            checks.check(PromoField::EndsAt, Err::<(), _>("must be a time in unix milliseconds"));
        } else if promo.starts_at.is_some_and(|start| end < start) {
            checks.check(PromoField::EndsAt, Err::<(), _>("the end of validity is before its start"));
        }
    }
    if let Some(Some(max)) = update.max_uses {
        if max < 1 {
            checks.check(PromoField::MaxUses, Err::<(), _>("must be at least 1"));
        } else if max < promo.uses {
            let why = format!("must be at least the {} uses so far", promo.uses);
            checks.check(PromoField::MaxUses, Err::<(), _>(why));
        }
    }
    checks.finish().map_err(PromoRefusal::Invalid)?;
    Ok(tx.update_promo(id, &update).await?)
}
