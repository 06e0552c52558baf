//! What a tenant sells: plans with a name per language, a duration, a traffic
//! and device limit, and a price.

use crate::Language;
use serde::{Deserialize, Serialize};

/// A plan's name in each language it was given in (at least one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanNames {
    /// Persian.
    pub fa: Option<String>,
    /// Russian.
    pub ru: Option<String>,
    /// English.
    pub en: Option<String>,
}

/// Why plan input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// No name in any language, or a name too long.
    #[error("a plan needs a name (1-64 characters) in at least one of fa, ru, en")]
    Name,
    /// Duration out of range.
    #[error("duration must be 1 to 3650 days")]
    Duration,
    /// Traffic out of range.
    #[error("traffic must be `unlimited` or 1 to 100000 GB")]
    Traffic,
    /// Device limit out of range.
    #[error("device limit must be 1 to 100")]
    Devices,
    /// Price negative, too large or not a number.
    #[error("price must be a whole amount from 0 to 1,000,000,000,000,000 (0 = free)")]
    Price,
}

impl PlanNames {
    /// Checks lengths and that one name exists; trims.
    pub fn validated(self) -> Result<Self, PlanError> {
        let clean = |n: Option<String>| -> Result<Option<String>, PlanError> {
            match n.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
                Some(s) if s.chars().count() > 64 => Err(PlanError::Name),
                other => Ok(other),
            }
        };
        let names = Self { fa: clean(self.fa)?, ru: clean(self.ru)?, en: clean(self.en)? };
        if names.fa.is_none() && names.ru.is_none() && names.en.is_none() {
            return Err(PlanError::Name);
        }
        Ok(names)
    }

    /// The name in `language`, else the first one given (English, Persian, Russian).
    pub fn name(&self, language: Language) -> &str {
        let preferred = match language {
            Language::Fa => &self.fa,
            Language::Ru => &self.ru,
            Language::En => &self.en,
        };
        preferred.as_deref().or(self.en.as_deref()).or(self.fa.as_deref()).or(self.ru.as_deref()).unwrap_or("?")
    }
}

/// Parses a traffic limit typed by a person: `unlimited` or a whole number of GB.
pub fn parse_traffic_gb(text: &str) -> Result<Option<u64>, PlanError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("unlimited") || text == "0" {
        return Ok(None);
    }
    let gb: u64 = text.trim_end_matches(['G', 'g', 'B', 'b']).trim().parse().map_err(|_| PlanError::Traffic)?;
    if !(1..=100_000).contains(&gb) {
        return Err(PlanError::Traffic);
    }
    Ok(Some(gb * 1024 * 1024 * 1024))
}

/// The highest price a plan may have, in minor units: far above any real
/// price, far below where sums of prices could overflow.
pub const MAX_PRICE: i64 = 1_000_000_000_000_000;

/// Checks a price in minor units: 0 (a free plan) up to [`MAX_PRICE`].
/// The one rule for every interface (CLI, REST API, admin menus).
pub fn check_price(minor: i64) -> Result<i64, PlanError> {
    if (0..=MAX_PRICE).contains(&minor) { Ok(minor) } else { Err(PlanError::Price) }
}

/// Parses a price typed by a person — digits in Latin, Persian or
/// Arabic-Indic script, with `,` `٬` `_` or spaces between groups — and
/// checks it with [`check_price`].
pub fn parse_price(text: &str) -> Result<i64, PlanError> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '٬' | '\u{200c}'))
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            other => other,
        })
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PlanError::Price);
    }
    check_price(digits.parse().map_err(|_| PlanError::Price)?)
}

/// Checks a duration in days.
pub fn check_duration(days: u32) -> Result<u32, PlanError> {
    if (1..=3650).contains(&days) { Ok(days) } else { Err(PlanError::Duration) }
}

/// Checks a device limit.
pub fn check_devices(devices: u32) -> Result<u32, PlanError> {
    if (1..=100).contains(&devices) { Ok(devices) } else { Err(PlanError::Devices) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fall_back_and_need_one() {
        let names = PlanNames { fa: Some(" یک ماهه ".into()), ru: None, en: None }.validated().unwrap();
        assert_eq!(names.name(Language::Fa), "یک ماهه");
        assert_eq!(names.name(Language::En), "یک ماهه");
        assert_eq!(PlanNames::default().validated(), Err(PlanError::Name));
    }

    #[test]
    fn traffic_and_limits() {
        assert_eq!(parse_traffic_gb("unlimited").unwrap(), None);
        assert_eq!(parse_traffic_gb("50").unwrap(), Some(50 * 1024 * 1024 * 1024));
        assert_eq!(parse_traffic_gb("50GB").unwrap(), Some(50 * 1024 * 1024 * 1024));
        assert!(parse_traffic_gb("-1").is_err());
        assert!(check_duration(0).is_err() && check_duration(30).is_ok());
        assert!(check_devices(0).is_err() && check_devices(3).is_ok());
    }

    #[test]
    fn prices_have_one_rule() {
        assert_eq!(parse_price("150,000"), Ok(150_000));
        assert_eq!(parse_price(" ۱۵۰٬۰۰۰ "), Ok(150_000));
        assert_eq!(parse_price("0"), Ok(0));
        for bad in ["-5", "12.5", "free", "", "1000000000000000001", "99999999999999999999"] {
            assert_eq!(parse_price(bad), Err(PlanError::Price), "{bad}");
        }
        assert_eq!(check_price(MAX_PRICE), Ok(MAX_PRICE));
        assert_eq!(check_price(-1), Err(PlanError::Price));
    }
}
