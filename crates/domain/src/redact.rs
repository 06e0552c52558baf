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
//!   (`603799******7810`), as everywhere else.

/// What a bot token becomes in a redacted text.
pub const REDACTED_BOT_TOKEN: &str = "[redacted bot token]";

/// Fewest secret characters after the `:` of a bot token (BotFather's are 35).
const MIN_SECRET: usize = 30;

/// `text` with every bot token and card number replaced, or `None` when it holds neither.
pub fn redact_secrets(text: &str) -> Option<String> {
    let tokens = redact_tokens(text);
    let cards = redact_cards(tokens.as_deref().unwrap_or(text));
    cards.or(tokens)
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
    fn both_in_one_text() {
        let text = format!("{TOKEN} and 6037991234567810");
        assert_eq!(redact_secrets(&text).unwrap(), format!("{REDACTED_BOT_TOKEN} and 603799******7810"));
    }
}
