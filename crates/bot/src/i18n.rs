//! Texts in Persian, Russian and English, from Fluent files compiled into the binary.
//!
//! Fluent's Unicode isolation marks (U+2068/U+2069 around placeables) are turned
//! off: Telegram renders mixed right-to-left and left-to-right text itself, and
//! the marks show up as stray characters when a customer copies a text.

use bazar_domain::Language;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn id(language: Language) -> LanguageIdentifier {
    match language {
        Language::Fa => langid!("fa"),
        Language::Ru => langid!("ru"),
        Language::En => langid!("en"),
    }
}

/// The text `key` in `language`.
pub fn t(language: Language, key: &str) -> String {
    LOCALES.lookup(&id(language), key)
}

/// The text `key` in `language` with named arguments.
pub fn t_args(language: Language, key: &str, args: &[(&'static str, &str)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> =
        args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.to_string()))).collect();
    LOCALES.lookup_with_args(&id(language), key, &args)
}

/// The language's own name, for the language picker.
pub fn native_name(language: Language) -> &'static str {
    match language {
        Language::Fa => "🇮🇷 فارسی",
        Language::Ru => "🇷🇺 Русский",
        Language::En => "🇬🇧 English",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &[
        "welcome",
        "welcome-back",
        "menu-title",
        "btn-language",
        "btn-support",
        "btn-back",
        "language-choose",
        "language-set",
        "menu-expired",
        "unknown-input",
    ];

    #[test]
    fn every_key_exists_in_every_language() {
        let args: HashMap<Cow<'static, str>, FluentValue> =
            [("shop", "S"), ("name", "N")].into_iter().map(|(k, v)| (Cow::Borrowed(k), FluentValue::from(v))).collect();
        for language in Language::ALL {
            for key in KEYS {
                let text = LOCALES.try_lookup_with_args(&id(language), key, &args);
                assert!(text.is_some(), "{key} missing in {language}");
            }
        }
    }

    #[test]
    fn persian_texts_carry_no_isolation_marks() {
        let text = t_args(Language::Fa, "welcome", &[("shop", "VPN Shop"), ("name", "Sara")]);
        assert!(text.contains("VPN Shop") && text.contains("Sara"));
        assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'), "{text:?}");
    }

    #[test]
    fn languages_differ() {
        assert_ne!(t(Language::Fa, "btn-language"), t(Language::En, "btn-language"));
        assert_ne!(t(Language::Ru, "btn-language"), t(Language::En, "btn-language"));
    }
}
