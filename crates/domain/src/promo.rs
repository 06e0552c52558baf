//! Promo codes: what a code gives, and what a code may look like.

use crate::Money;

/// What a promo code gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoBenefit {
    /// This much money (in the tenant's currency) into the wallet, at once.
    WalletBonus(Money),
    /// This percent off the next purchase.
    PercentOff(u8),
    /// This many extra days on the next purchase.
    ExtraDays(u32),
}

/// Why a promo code text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromoError {
    /// Not 3-32 letters, digits, `_` or `-`.
    #[error("a promo code is 3 to 32 letters, digits, `_` or `-`")]
    Code,
    /// Out of range.
    #[error("percent must be 1-100, days 1-365, and a bonus above zero")]
    Value,
}

/// Normalises a code as customers type it: trimmed, upper case, checked.
pub fn normalize_promo_code(text: &str) -> Result<String, PromoError> {
    let code = text.trim().to_ascii_uppercase();
    let ok =
        (3..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok { Ok(code) } else { Err(PromoError::Code) }
}

impl PromoBenefit {
    /// Checks the benefit's range.
    pub fn validated(self) -> Result<Self, PromoError> {
        let ok = match self {
            Self::WalletBonus(n) => n.is_positive(),
            Self::PercentOff(p) => (1..=100).contains(&p),
            Self::ExtraDays(d) => (1..=365).contains(&d),
        };
        if ok { Ok(self) } else { Err(PromoError::Value) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_values() {
        assert_eq!(normalize_promo_code(" nowruz-1405 ").unwrap(), "NOWRUZ-1405");
        assert!(normalize_promo_code("ab").is_err());
        assert!(normalize_promo_code("with space").is_err());
        assert!(PromoBenefit::PercentOff(0).validated().is_err());
        assert!(PromoBenefit::PercentOff(20).validated().is_ok());
        assert!(PromoBenefit::ExtraDays(400).validated().is_err());
        assert!(PromoBenefit::WalletBonus(Money::zero(crate::Currency::Irt)).validated().is_err());
    }
}
