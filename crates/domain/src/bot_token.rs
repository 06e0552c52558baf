//! Telegram bot tokens, parsed once and never printed.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// A Telegram bot token of the shape BotFather issues: `<bot user id>:<secret>`.
///
/// The value is held as a [`SecretString`]: `Debug` prints a redaction, there is
/// no `Display`, and the only way to the text is [`BotToken::expose`], which
/// marks every place that needs it (the HTTP client and the encryption at rest).
#[derive(Clone)]
pub struct BotToken {
    secret: SecretString,
    telegram_bot_id: i64,
}

/// Why a text is not a bot token. The messages never contain the token itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BotTokenError {
    /// No `:` separating the bot id from the secret.
    #[error("malformed bot token: expected `<digits>:<secret>` as issued by @BotFather")]
    MissingSeparator,
    /// The part before `:` is not a positive number.
    #[error("malformed bot token: the part before `:` must be the bot's numeric id")]
    BadBotId,
    /// The secret part has the wrong length or characters.
    #[error("malformed bot token: the secret after `:` must be 30-64 characters of A-Z, a-z, 0-9, `_` or `-`")]
    BadSecret,
}

impl BotToken {
    /// Parses a token, trimming surrounding whitespace (pasted tokens often carry some).
    pub fn parse(text: &str) -> Result<Self, BotTokenError> {
        let text = text.trim();
        let (id, secret) = text.split_once(':').ok_or(BotTokenError::MissingSeparator)?;
        if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BotTokenError::BadBotId);
        }
        let telegram_bot_id: i64 = id.parse().map_err(|_| BotTokenError::BadBotId)?;
        if telegram_bot_id <= 0 {
            return Err(BotTokenError::BadBotId);
        }
        let secret_ok = (30..=64).contains(&secret.len())
            && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !secret_ok {
            return Err(BotTokenError::BadSecret);
        }
        Ok(Self { secret: SecretString::from(text.to_owned()), telegram_bot_id })
    }

    /// Telegram's user id of the bot: the public part of the token.
    pub fn telegram_bot_id(&self) -> i64 {
        self.telegram_bot_id
    }

    /// The full token text. Only for the Telegram client and encryption at rest.
    pub fn expose(&self) -> &str {
        self.secret.expose_secret()
    }
}

impl fmt::Debug for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BotToken({}:[REDACTED])", self.telegram_bot_id)
    }
}

impl PartialEq for BotToken {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

    #[test]
    fn parses_a_well_formed_token() {
        let t = BotToken::parse(&format!("  {GOOD}\n")).unwrap();
        assert_eq!(t.telegram_bot_id(), 123456789);
        assert_eq!(t.expose(), GOOD);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let t = BotToken::parse(GOOD).unwrap();
        let shown = format!("{t:?}");
        assert!(!shown.contains("AAHdq"), "{shown}");
        assert!(shown.contains("123456789"));
    }

    #[test]
    fn rejects_malformed_tokens() {
        assert_eq!(BotToken::parse("nocolon").unwrap_err(), BotTokenError::MissingSeparator);
        assert_eq!(BotToken::parse("abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_").unwrap_err(), BotTokenError::BadBotId);
        assert_eq!(BotToken::parse("0:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_").unwrap_err(), BotTokenError::BadBotId);
        assert_eq!(BotToken::parse("123:short").unwrap_err(), BotTokenError::BadSecret);
        assert_eq!(BotToken::parse("123:AAHdqTcvCH1vGWJxfSeofSAs0K5PAL sa").unwrap_err(), BotTokenError::BadSecret);
    }

    #[test]
    fn error_texts_never_echo_the_input() {
        let err = BotToken::parse("123:secretsecret").unwrap_err().to_string();
        assert!(!err.contains("secretsecret"));
    }
}
