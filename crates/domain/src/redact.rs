//! Secrets people paste into a chat: what must not be kept where the text
//! itself is stored (the update inbox).
//!
//! A reseller pastes a bot token into the master bot; a customer types a card
//! number into a receipt. The handler needs the real text once, in memory; a
//! stored copy of it (an update kept for de-duplication and recovery) must not
//! carry either. [`redact_secrets`] finds both shapes anywhere in a text:
//!
//! * a bot token — digits, `:`, then at least 30 of BotFather's secret
//!   characters (the shape [`crate::BotToken`] parses; a longer run is redacted
//!   whole, so nothing of a token survives next to it);
//! * a card number — 16 digits (ASCII, Persian or Arabic-Indic, with the
//!   spaces or dashes people put between groups) that pass the Luhn check, the
//!   shape [`crate::CardNumber`] parses. It keeps its masked form
//!   (`603799******7810`), as everywhere else;
//! * a credential line — `key=value` on a line of its own whose key names a
//!   secret ([`is_secret_key`]: `password`, `token`, `api_key`, …), the form
//!   in which an admin sends a panel's login to `/admin`. The value goes.

/// What a bot token becomes in a redacted text.
pub const REDACTED_BOT_TOKEN: &str = "[redacted bot token]";

/// What the value of a credential line becomes in a redacted text.
pub const REDACTED_VALUE: &str = "[redacted]";

/// Fewest secret characters after the `:` of a bot token (BotFather's are 35).
const MIN_SECRET: usize = 30;

/// `text` with every bot token and card number replaced, or `None` when it holds neither.
pub fn redact_secrets(text: &str) -> Option<String> {
    let tokens = redact_tokens(text);
    let cards = redact_cards(tokens.as_deref().unwrap_or(text));
    let so_far = cards.or(tokens);
    let lines = redact_credential_lines(so_far.as_deref().unwrap_or(text));
    lines.or(so_far)
}

/// Whether a credential's key names a secret: `password`, `token`, `secret`,
/// `key`, or a key ending in `_password`, `_token`, `_secret` or `_key`. A
/// panel kind's secret credential fields are named so (its tests check),
/// which is what lets the inbox drop their values.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.trim().to_ascii_lowercase();
    ["password", "token", "secret", "key"]
        .iter()
        .any(|word| key == *word || key.ends_with(&format!("_{word}")) || key.ends_with(&format!("-{word}")))
}

/// Replaces the value of every `key=value` line whose key names a secret.
fn redact_credential_lines(text: &str) -> Option<String> {
    let mut changed = false;
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| match line.split_once('=') {
            Some((key, value)) if is_secret_key(key) && !value.trim().is_empty() && value.trim() != REDACTED_VALUE => {
                changed = true;
                format!("{key}={REDACTED_VALUE}")
            }
            _ => line.to_owned(),
        })
        .collect();
    changed.then(|| lines.join("\n"))
}

fn is_secret_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Replaces every `<digits>:<secret>` span.
fn redact_tokens(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0; // bytes of `text` already in `out`
    for (colon, _) in text.match_indices(':') {
        if colon < copied {
            continue;
        }
        let id_start = text[..colon].trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let after = &text[colon + 1..];
        let secret_len = after.find(|c: char| !is_secret_char(c)).unwrap_or(after.len());
        if id_start == colon || id_start < copied || secret_len < MIN_SECRET {
            continue;
        }
        out.push_str(&text[copied..id_start]);
        out.push_str(REDACTED_BOT_TOKEN);
        copied = colon + 1 + secret_len;
    }
    (copied > 0).then(|| {
        out.push_str(&text[copied..]);
        out
    })
}

/// Masks every card number, as [`crate::mask_card_numbers_in`] does for
/// text on its way to admins: one rule for what counts as a card number.
fn redact_cards(text: &str) -> Option<String> {
    match crate::mask_card_numbers_in(text) {
        std::borrow::Cow::Owned(masked) => Some(masked),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "700003:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

    #[test]
    fn a_pasted_token_is_redacted_wherever_it_stands() {
        assert_eq!(redact_secrets(TOKEN).as_deref(), Some(REDACTED_BOT_TOKEN));
        let said = format!("my token is {TOKEN}\nthanks");
        assert_eq!(redact_secrets(&said).unwrap(), format!("my token is {REDACTED_BOT_TOKEN}\nthanks"));
        let url = format!("https://api.telegram.org/bot{TOKEN}/getMe");
        let redacted = redact_secrets(&url).unwrap();
        assert!(!redacted.contains("AAHdq") && !redacted.contains("700003"), "{redacted}");
        let two = format!("{TOKEN} {TOKEN}");
        assert_eq!(redact_secrets(&two).unwrap(), format!("{REDACTED_BOT_TOKEN} {REDACTED_BOT_TOKEN}"));
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in ["hello", "at 12:30 ok", "ref 4455", "10:abc", "", "۱۲:۳۰", "6037 9912 3456 7811"] {
            assert_eq!(redact_secrets(text), None, "{text}");
        }
    }

    #[test]
    fn card_numbers_are_masked_in_every_spelling() {
        for text in [
            "6037991234567810",
            "6037 9912 3456 7810",
            "6037-9912-3456-7810",
            "۶۰۳۷۹۹۱۲۳۴۵۶۷۸۱۰",
            "\u{200F}6037 9912 3456 7810",
        ] {
            let redacted = redact_secrets(&format!("paid from {text} today")).unwrap();
            assert!(redacted.contains("603799******7810") && redacted.ends_with(" today"), "{redacted}");
            assert!(!redacted.contains("3456"), "{redacted}");
        }
        // Longer digit runs (tracking numbers) are not card numbers.
        assert_eq!(redact_secrets("60379912345678101"), None);
    }

    #[test]
    fn credential_lines_lose_their_secret_values() {
        let sent = "username=admin\npassword=s3cr=t!\napi_key = 9f8e\nurl=https://x";
        let redacted = redact_secrets(sent).unwrap();
        assert_eq!(redacted, "username=admin\npassword=[redacted]\napi_key =[redacted]\nurl=https://x");
        assert_eq!(redact_secrets(&redacted), None, "redacting again changes nothing");
        assert_eq!(redact_secrets("token="), None, "an empty value is nothing to hide");
        assert!(is_secret_key("Token") && is_secret_key("admin_password") && !is_secret_key("username"));
        assert!(!is_secret_key("monkey"), "a word ending in `key` is not a key");
    }

    #[test]
    fn both_in_one_text() {
        let text = format!("{TOKEN} and 6037991234567810");
        assert_eq!(redact_secrets(&text).unwrap(), format!("{REDACTED_BOT_TOKEN} and 603799******7810"));
    }
}
