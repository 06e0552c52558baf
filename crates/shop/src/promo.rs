//! Entering a promo code: a wallet bonus is credited at once (once per use,
//! ledger key `promo:{code}:{customer}:{n}`); a discount or extra days wait for
//! the next purchase, where `buy` applies and uses them.

use bazar_domain::{Currency, CustomerId, Money, PromoBenefit};
use bazar_store::{EntryKind, Posting, PromoRefusal, StoreError, TenantTx};

/// What entering a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromoApplied {
    /// A wallet bonus was credited.
    Credited {
        /// The bonus.
        amount: Money,
        /// The balance after it.
        balance: Money,
    },
    /// A discount or extra days, kept for the next purchase.
    Pending(PromoBenefit),
    /// The code cannot be used.
    Refused(PromoRefusal),
}

/// Applies a code a customer typed (already normalised) in a shop that
/// prices in `currency`; a bonus in another currency is not this shop's.
pub async fn enter_code(
    tx: &mut TenantTx,
    customer: CustomerId,
    code: &str,
    currency: Currency,
) -> Result<PromoApplied, StoreError> {
    let promo = match tx.check_promo(code, customer).await? {
        Ok(promo) => promo,
        Err(refusal) => return Ok(PromoApplied::Refused(refusal)),
    };
    match promo.benefit {
        PromoBenefit::WalletBonus(bonus) if bonus.currency() != currency => {
            Ok(PromoApplied::Refused(PromoRefusal::Unknown))
        }
        PromoBenefit::WalletBonus(amount) => {
            let (promo, nth) = match tx.redeem_promo(code, customer, None).await? {
                Ok(used) => used,
                Err(refusal) => return Ok(PromoApplied::Refused(refusal)),
            };
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
pub fn with_benefit(price: Money, days: u32, benefit: Option<PromoBenefit>) -> (Money, u32) {
    match benefit {
        Some(PromoBenefit::PercentOff(p)) => (price.less_percent(p), days),
        Some(PromoBenefit::ExtraDays(d)) => (price, days + d),
        _ => (price, days),
    }
}
