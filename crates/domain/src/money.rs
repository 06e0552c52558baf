//! Money: whole minor units, always with their currency.
//!
//! A tenant prices in the fiat currency it configured (IRR or IRT), and every
//! stored amount keeps its currency beside it, so an amount is a [`Money`]
//! from the row it is read from to the screen it is shown on. Arithmetic
//! across currencies is refused ([`MoneyError::CurrencyMismatch`]) rather
//! than guessed; converting rial and toman is an explicit call. Telegram
//! Stars are not money of the shop: they are [`Stars`], a type of their own
//! that never mixes with fiat.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::ops::Neg;
use std::str::FromStr;

/// The fiat currency a tenant prices in. Iranian rial and toman (1 toman = 10 rial)
/// are both common; the choice is explicit so amounts are never ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Iranian rial.
    Irr,
    /// Iranian toman (10 rial).
    Irt,
}

/// A currency code Bazar does not price in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency `{0}` (expected IRR or IRT)")]
pub struct UnknownCurrency(pub String);

impl Currency {
    /// Every currency, in the order they are offered.
    pub const ALL: [Self; 2] = [Self::Irr, Self::Irt];

    /// ISO-like code as stored and shown.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Irr => "IRR",
            Self::Irt => "IRT",
        }
    }

    /// The currency of a stored or typed code (case-insensitive).
    pub fn parse(code: &str) -> Result<Self, UnknownCurrency> {
        Self::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| UnknownCurrency(code.trim().to_owned()))
    }
}

impl FromStr for Currency {
    type Err = UnknownCurrency;
    fn from_str(s: &str) -> Result<Self, UnknownCurrency> {
        Self::parse(s)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount of a fiat [`Currency`] in whole minor units (rial and toman have
/// no fractions). Negative amounts are debits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Why an amount was refused.
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
    /// Two amounts of different currencies were combined.
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
}

impl Money {
    /// `minor` units of `currency`.
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// `minor` toman.
    pub const fn irt(minor: i64) -> Self {
        Self::new(minor, Currency::Irt)
    }

    /// `minor` rial.
    pub const fn irr(minor: i64) -> Self {
        Self::new(minor, Currency::Irr)
    }

    /// Nothing, in `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// Parses a positive amount typed by a person: `150000`, `150,000`, `150_000`, `۱۵۰۰۰۰`.
    pub fn parse_positive(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let minor = parse_whole(text)?;
        if minor <= 0 {
            return Err(MoneyError::NotPositive);
        }
        Ok(Self::new(minor, currency))
    }

    /// Minor units.
    pub const fn minor(self) -> i64 {
        self.minor
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// The currency code.
    pub const fn code(self) -> &'static str {
        self.currency.code()
    }

    /// Whether the amount is above zero.
    pub const fn is_positive(self) -> bool {
        self.minor > 0
    }

    /// Sum; refused across currencies or on overflow.
    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(other)?;
        self.minor.checked_add(other.minor).map(|m| Self::new(m, self.currency)).ok_or(MoneyError::Overflow)
    }

    /// Difference; refused across currencies or on overflow.
    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(other)?;
        self.minor.checked_sub(other.minor).map(|m| Self::new(m, self.currency)).ok_or(MoneyError::Overflow)
    }

    /// `percent`% of the amount, rounded down (a discount or a reward never
    /// exceeds what was promised).
    pub fn percent(self, percent: u8) -> Self {
        Self::new(((self.minor as i128 * i128::from(percent)) / 100) as i64, self.currency)
    }

    /// The amount less `percent`% of it (a discounted price).
    pub fn less_percent(self, percent: u8) -> Self {
        Self::new(self.minor - self.percent(percent).minor, self.currency)
    }

    /// The smaller of two amounts of one currency.
    pub fn min(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(other)?;
        Ok(if other.minor < self.minor { other } else { self })
    }

    /// The same amount in rial (exact).
    pub fn in_rial(self) -> Result<Self, MoneyError> {
        match self.currency {
            Currency::Irr => Ok(self),
            Currency::Irt => {
                self.minor.checked_mul(10).map(|m| Self::new(m, Currency::Irr)).ok_or(MoneyError::Overflow)
            }
        }
    }

    fn same_currency(self, other: Self) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

/// Amounts of one currency compare; amounts of two do not.
impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

impl Neg for Money {
    type Output = Self;
    fn neg(self) -> Self {
        Self::new(-self.minor, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.minor, self.currency.code())
    }
}

/// `150,000 IRT`: digits grouped by thousands, then the code.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", group_thousands(self.minor), self.currency.code())
    }
}

/// An amount of Telegram Stars (the `XTR` of the Bot API): what a Stars
/// invoice asks for. Stars buy the shop's money at the shop's rate; they are
/// never added to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Stars(pub i64);

impl Stars {
    /// The Bot API's currency code for Stars.
    pub const CODE: &'static str = "XTR";
}

impl fmt::Display for Stars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", group_thousands(self.0), Self::CODE)
    }
}

/// What a customer is asked to pay: the shop's money (card-to-card, the
/// gateway) or Telegram Stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Charge {
    /// Fiat, in the shop's currency.
    Money(Money),
    /// Telegram Stars.
    Stars(Stars),
}

impl Charge {
    /// The amount and code stored for it.
    pub const fn parts(self) -> (i64, &'static str) {
        match self {
            Self::Money(m) => (m.minor(), m.code()),
            Self::Stars(s) => (s.0, Stars::CODE),
        }
    }

    /// The charge stored as `minor` units of the currency `code`.
    pub fn from_parts(minor: i64, code: &str) -> Result<Self, UnknownCurrency> {
        if code == Stars::CODE {
            Ok(Self::Stars(Stars(minor)))
        } else {
            Currency::parse(code).map(|c| Self::Money(Money::new(minor, c)))
        }
    }
}

impl From<Money> for Charge {
    fn from(money: Money) -> Self {
        Self::Money(money)
    }
}

impl From<Stars> for Charge {
    fn from(stars: Stars) -> Self {
        Self::Stars(stars)
    }
}

impl fmt::Display for Charge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Money(m) => m.fmt(f),
            Self::Stars(s) => s.fmt(f),
        }
    }
}

/// A whole number as people type it: separators `,` `_` `٬` and spaces are
/// ignored, Persian and Arabic-Indic digits read as digits.
fn parse_whole(text: &str) -> Result<i64, MoneyError> {
    let cleaned: String =
        text.trim().chars().filter(|c| !matches!(c, ',' | '_' | ' ' | '٬')).map(persian_digit).collect();
    cleaned.parse().map_err(|_| MoneyError::NotANumber(text.trim().to_owned()))
}

fn persian_digit(c: char) -> char {
    match c {
        '۰'..='۹' => char::from_digit(c as u32 - '۰' as u32, 10).unwrap_or(c),
        '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10).unwrap_or(c),
        other => other,
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
    use Currency::{Irr, Irt};

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse_positive("150,000", Irt).unwrap(), Money::new(150_000, Irt));
        assert_eq!(Money::parse_positive(" ۱۵۰۰۰۰ ", Irr).unwrap(), Money::new(150_000, Irr));
        assert_eq!(Money::parse_positive("0", Irt), Err(MoneyError::NotPositive));
        assert!(matches!(Money::parse_positive("12.5", Irt), Err(MoneyError::NotANumber(_))));
    }

    #[test]
    fn arithmetic_keeps_the_currency() {
        let a = Money::new(100_000, Irt);
        assert_eq!(a.checked_add(Money::new(50_000, Irt)).unwrap().to_string(), "150,000 IRT");
        assert_eq!((-a).to_string(), "-100,000 IRT");
        assert_eq!(a.percent(15), Money::new(15_000, Irt));
        assert_eq!(a.less_percent(15), Money::new(85_000, Irt));
        assert_eq!(Money::new(99, Irt).percent(10), Money::new(9, Irt), "rounded down");
        assert_eq!(a.in_rial().unwrap(), Money::new(1_000_000, Irr));
        assert_eq!(Money::new(5, Irr).in_rial().unwrap(), Money::new(5, Irr));
        assert_eq!(Stars(50).to_string(), "50 XTR");
    }

    #[test]
    fn currencies_never_mix() {
        let toman = Money::new(100, Irt);
        let rial = Money::new(100, Irr);
        assert_eq!(toman.checked_add(rial), Err(MoneyError::CurrencyMismatch(Irt, Irr)));
        assert_eq!(toman.checked_sub(rial), Err(MoneyError::CurrencyMismatch(Irt, Irr)));
        assert_eq!(toman.partial_cmp(&rial), None);
        assert_ne!(toman, rial);
        assert!(Money::new(1, Irt) < toman);
    }

    #[test]
    fn currency_codes_round_trip() {
        for currency in Currency::ALL {
            assert_eq!(Currency::parse(currency.code()), Ok(currency));
            assert_eq!(Currency::parse(&currency.code().to_lowercase()), Ok(currency));
        }
        assert_eq!(Currency::parse("RUB"), Err(UnknownCurrency("RUB".into())));
        assert_eq!(serde_json::to_string(&Irt).unwrap(), "\"IRT\"");
        assert_eq!(Charge::from_parts(50, "XTR"), Ok(Charge::Stars(Stars(50))));
        assert_eq!(Charge::from_parts(5, "IRR"), Ok(Charge::Money(Money::new(5, Irr))));
        assert_eq!(Charge::Stars(Stars(50)).parts(), (50, "XTR"));
    }
}
