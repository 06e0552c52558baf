//! Entering a promo code: a wallet bonus is credited at once (once per use,
//! ledger key `promo:{code}:{customer}:{n}`); a discount or extra days wait for
//! the next purchase, where `buy` applies and uses them.

use bazar_domain::{CurrencyUnit, CustomerId, Money, PromoBenefit};
use bazar_store::{EntryKind, Posting, PromoRefusal, StoreError, TenantTx};

/// What entering a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromoApplied<C: CurrencyUnit> {
    /// A wallet bonus was credited.
    Credited {
        /// The bonus.
        amount: Money<C>,
        /// The balance after it.
        balance: Money<C>,
    },
    /// A discount or extra days, kept for the next purchase.
    Pending(PromoBenefit),
    /// The code cannot be used.
    Refused(PromoRefusal),
}

/// Applies a code a customer typed (already normalised).
pub async fn enter_code<C: CurrencyUnit>(
    tx: &mut TenantTx,
    customer: CustomerId,
    code: &str,
) -> Result<PromoApplied<C>, StoreError> {
    let promo = match tx.check_promo(code, customer).await? {
        Ok(promo) => promo,
        Err(refusal) => return Ok(PromoApplied::Refused(refusal)),
    };
    match promo.benefit {
        PromoBenefit::WalletBonus(_) if promo.currency.as_deref() != Some(C::CODE) => {
            Ok(PromoApplied::Refused(PromoRefusal::Unknown))
        }
        PromoBenefit::WalletBonus(amount) => {
            let (promo, nth) = match tx.redeem_promo(code, customer, None).await? {
                Ok(used) => used,
                Err(refusal) => return Ok(PromoApplied::Refused(refusal)),
            };
            let amount = Money::<C>::new(amount);
            let key = format!("promo:{}:{customer}:{nth}", promo.id);
            let reference = format!("promo code {}", promo.code);
            match tx.post(customer, amount, EntryKind::PromoBonus, &key, Some(&reference)).await? {
                Posting::Applied { balance } => Ok(PromoApplied::Credited { amount, balance }),
                Posting::Duplicate => Ok(PromoApplied::Refused(PromoRefusal::AlreadyUsed)),
            }
        }
        benefit => Ok(PromoApplied::Pending(benefit)),
    }
}

/// A price and a length after a pending benefit.
pub fn with_benefit<C: CurrencyUnit>(price: Money<C>, days: u32, benefit: Option<PromoBenefit>) -> (Money<C>, u32) {
    match benefit {
        Some(PromoBenefit::PercentOff(p)) => (price - price.percent(p), days),
        Some(PromoBenefit::ExtraDays(d)) => (price, days + d),
        _ => (price, days),
    }
}
