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
    /// Price negative or not a number.
    #[error("price must be a whole amount of 0 or more")]
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

/// Checks a duration in days.
pub fn check_duration(days: u32) -> Result<u32, PlanError> {
    if (1..=3650).contains(&days) { Ok(days) } else { Err(PlanError::Duration) }
}

/// Whether `text` looks like a Remnawave internal squad id (a UUID), as a
/// plan's panel option must be.
pub fn is_squad_id(text: &str) -> bool {
    text.len() == 36 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
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
}
