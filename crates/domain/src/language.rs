//! Languages the bots speak.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language a bot can talk to its customers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Persian (right-to-left).
    Fa,
    /// Russian.
    Ru,
    /// English.
    En,
}

/// A language code we do not speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}` (expected fa, ru or en)")]
pub struct UnknownLanguage(pub String);

impl Language {
    /// All supported languages.
    pub const ALL: [Language; 3] = [Language::Fa, Language::Ru, Language::En];

    /// The BCP-47 code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Fa => "fa",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// Picks a language from Telegram's `language_code` (e.g. `ru-RU`), if we speak it.
    pub fn from_telegram_code(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        primary.parse().ok()
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fa" => Ok(Self::Fa),
            "ru" => Ok(Self::Ru),
            "en" => Ok(Self::En),
            other => Err(UnknownLanguage(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_codes_map_to_languages() {
        assert_eq!(Language::from_telegram_code("ru-RU"), Some(Language::Ru));
        assert_eq!(Language::from_telegram_code("FA"), Some(Language::Fa));
        assert_eq!(Language::from_telegram_code("de"), None);
    }
}
