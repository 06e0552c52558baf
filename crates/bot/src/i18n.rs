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

    /// Message ids defined in a `.ftl` file (lines `id = …` at the start of a line).
    fn ids(ftl: &str) -> std::collections::BTreeSet<&str> {
        ftl.lines()
            .filter(|l| !l.starts_with([' ', '#']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next())
            .collect()
    }

    /// Every `.ftl` file of one language, by file name.
    fn files(language: &str) -> std::collections::BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(language);
        std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("locale entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
            .map(|path| {
                let name = path.file_name().expect("name").to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).expect("readable"))
            })
            .collect()
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let en = files("en");
        assert!(en.len() >= 2, "found the English files: {:?}", en.keys());
        for other in ["fa", "ru"] {
            let theirs = files(other);
            assert_eq!(en.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>(), "{other} has other files");
            for (name, text) in &en {
                let (ours, their) = (ids(text), ids(&theirs[name]));
                assert_eq!(
                    ours.symmetric_difference(&their).collect::<Vec<_>>(),
                    Vec::<&&str>::new(),
                    "{other}/{name}"
                );
            }
        }
        let all: Vec<&str> = en.values().flat_map(|text| ids(text)).collect();
        assert!(all.len() > 100, "parsed the English texts: {}", all.len());
        assert_eq!(all.len(), all.iter().collect::<std::collections::BTreeSet<_>>().len(), "an id is defined twice");
        // And the loader finds them (texts with variables are formatted by their callers' tests).
        let args: HashMap<Cow<'static, str>, FluentValue> =
            [("shop", "S"), ("name", "N")].into_iter().map(|(k, v)| (Cow::Borrowed(k), FluentValue::from(v))).collect();
        // Messages without variables (no `$` on any of their lines), plus two that take the args above.
        let mut plain: Vec<&str> = Vec::new();
        for text in en.values() {
            let mut current: Option<(&str, bool)> = None;
            for line in text.lines() {
                if let Some((id, _)) = line.split_once(" =").filter(|_| !line.starts_with([' ', '#'])) {
                    if let Some((done, true)) = current {
                        plain.push(done);
                    }
                    current = Some((id, !line.contains('$')));
                } else if let Some((_, no_vars)) = current.as_mut() {
                    *no_vars &= !line.contains('$');
                }
            }
            if let Some((done, true)) = current {
                plain.push(done);
            }
        }
        for key in plain.into_iter().chain(["welcome", "welcome-back"]) {
            for language in Language::ALL {
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
