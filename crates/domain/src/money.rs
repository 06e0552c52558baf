//! Money: whole minor units, with the currency in the type.
//!
//! `Money<Irt> + Money<Irr>` does not compile; converting between rial and
//! toman is an explicit call. A tenant's prices and wallets are in the fiat
//! currency it configured (IRR or IRT); Telegram Stars (XTR) are their own type
//! and never mix with fiat. Code that handles a tenant's money is generic over
//! [`CurrencyUnit`] and is entered through one `match` on the tenant's
//! [`crate::Currency`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Add, Neg, Sub};

/// A currency as a type.
pub trait CurrencyUnit: Copy + Default + fmt::Debug + Send + Sync + 'static {
    /// The code stored beside every amount.
    const CODE: &'static str;
}

/// Iranian rial.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Irr;
/// Iranian toman (10 rial).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Irt;
/// Telegram Stars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Xtr;

impl CurrencyUnit for Irr {
    const CODE: &'static str = "IRR";
}
impl CurrencyUnit for Irt {
    const CODE: &'static str = "IRT";
}
impl CurrencyUnit for Xtr {
    const CODE: &'static str = "XTR";
}

/// An amount of `C` in whole minor units (rial, toman and stars have no fractions).
/// Negative amounts are debits.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money<C> {
    minor: i64,
    #[serde(skip)]
    currency: PhantomData<C>,
}

/// Why an amount text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a whole number (separators `,` and `_` are allowed).
    #[error("`{0}` is not a whole amount")]
    NotANumber(String),
    /// Zero or negative where a positive amount is needed.
    #[error("the amount must be greater than zero")]
    NotPositive,
    /// An operation would overflow.
    #[error("amount out of range")]
    Overflow,
}

impl<C: CurrencyUnit> Money<C> {
    /// Zero.
    pub const ZERO: Self = Self::new(0);

    /// An amount in minor units.
    pub const fn new(minor: i64) -> Self {
        Self { minor, currency: PhantomData }
    }

    /// Parses a positive amount typed by a person: `150000`, `150,000`, `150_000`.
    pub fn parse_positive(text: &str) -> Result<Self, MoneyError> {
        let cleaned: String = text.trim().chars().filter(|c| !matches!(c, ',' | '_' | ' ' | '٬')).collect();
        let cleaned: String = cleaned.chars().map(persian_digit).collect();
        let minor: i64 = cleaned.parse().map_err(|_| MoneyError::NotANumber(text.trim().to_owned()))?;
        if minor <= 0 {
            return Err(MoneyError::NotPositive);
        }
        Ok(Self::new(minor))
    }

    /// Minor units.
    pub const fn minor(self) -> i64 {
        self.minor
    }

    /// The currency code.
    pub fn code(self) -> &'static str {
        C::CODE
    }

    /// Whether the amount is above zero.
    pub const fn is_positive(self) -> bool {
        self.minor > 0
    }

    /// Sum, or `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.minor.checked_add(other.minor).map(Self::new)
    }

    /// Difference, or `None` on overflow.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.minor.checked_sub(other.minor).map(Self::new)
    }

    /// `percent`% of the amount, rounded down (a discount or a reward never
    /// exceeds what was promised).
    pub fn percent(self, percent: u8) -> Self {
        Self::new(((self.minor as i128 * i128::from(percent)) / 100) as i64)
    }
}

impl Money<Irt> {
    /// The same amount in rial (exact).
    pub fn to_irr(self) -> Option<Money<Irr>> {
        self.minor.checked_mul(10).map(Money::new)
    }
}

impl Money<Irr> {
    /// The amount in toman, rounded down, and the rial left over.
    pub fn to_irt(self) -> (Money<Irt>, Money<Irr>) {
        (Money::new(self.minor.div_euclid(10)), Money::new(self.minor.rem_euclid(10)))
    }
}

fn persian_digit(c: char) -> char {
    match c {
        '۰'..='۹' => char::from_digit(c as u32 - '۰' as u32, 10).unwrap_or(c),
        '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10).unwrap_or(c),
        other => other,
    }
}

impl<C> Clone for Money<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C> Copy for Money<C> {}
impl<C> PartialEq for Money<C> {
    fn eq(&self, other: &Self) -> bool {
        self.minor == other.minor
    }
}
impl<C> Eq for Money<C> {}
impl<C> PartialOrd for Money<C> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<C> Ord for Money<C> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.minor.cmp(&other.minor)
    }
}
impl<C: CurrencyUnit> Add for Money<C> {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        self.checked_add(other).expect("money overflow")
    }
}
impl<C: CurrencyUnit> Sub for Money<C> {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        self.checked_sub(other).expect("money overflow")
    }
}
impl<C: CurrencyUnit> Neg for Money<C> {
    type Output = Self;
    fn neg(self) -> Self {
        Self::new(-self.minor)
    }
}

impl<C: CurrencyUnit> fmt::Debug for Money<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.minor, C::CODE)
    }
}

/// `150,000 IRT`: digits grouped by thousands, then the code.
impl<C: CurrencyUnit> fmt::Display for Money<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", group_thousands(self.minor), C::CODE)
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::<Irt>::parse_positive("150,000").unwrap().minor(), 150_000);
        assert_eq!(Money::<Irt>::parse_positive(" ۱۵۰۰۰۰ ").unwrap().minor(), 150_000);
        assert_eq!(Money::<Irt>::parse_positive("0"), Err(MoneyError::NotPositive));
        assert!(matches!(Money::<Irt>::parse_positive("12.5"), Err(MoneyError::NotANumber(_))));
    }

    #[test]
    fn arithmetic_and_display() {
        let a = Money::<Irt>::new(100_000);
        assert_eq!((a + Money::new(50_000)).to_string(), "150,000 IRT");
        assert_eq!((-a).to_string(), "-100,000 IRT");
        assert_eq!(a.percent(15), Money::new(15_000));
        assert_eq!(Money::<Irt>::new(99).percent(10), Money::new(9), "rounded down");
        assert_eq!(a.to_irr().unwrap(), Money::<Irr>::new(1_000_000));
        assert_eq!(Money::<Irr>::new(1_000_005).to_irt(), (Money::new(100_000), Money::new(5)));
        assert_eq!(Money::<Xtr>::new(50).to_string(), "50 XTR");
    }
}
