//! What a customer wrote, on its way to the admins: their name, a receipt's
//! note, a ticket. Everything that shows customer text to admins goes through
//! here, so it cannot pass for the bot's own words:
//!
//! * bidi controls are removed (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
//!   U+061C): a right-to-left override in a name would reverse the rest of
//!   the admin's line, "… · id 5151" included;
//! * a name is one line wrapped in a first-strong isolate (U+2068 … U+2069),
//!   so its direction cannot leak into the text around it;
//! * a note or a ticket is quoted: every line behind [`QUOTE_BAR`], so a line
//!   break cannot start a line that looks like the bot's ("Amount: …");
//! * card numbers are masked ([`bazar_domain::mask_card_numbers_in`]): admins
//!   need to see that a card was named, not its number.
//!
//! The quote bar (rather than an HTML `<blockquote>`) works the same in plain
//! text and HTML messages, so screens stay plain text.

use bazar_domain::mask_card_numbers_in;
use bazar_runtime::limits::{self, Markup};

/// What starts every quoted line.
pub(crate) const QUOTE_BAR: &str = "┃ ";

/// Longest quoted line, in UTF-16 units: a longer one is wrapped (at a space
/// when it can be), so a message split for length is split between lines and
/// every piece's lines still start with the bar.
const QUOTE_WIDTH: usize = 1000;

/// First-strong isolate and pop-directional isolate.
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// Bidi embeddings, overrides, isolates and marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Everything a Telegram client may show as a new line.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// `text` without bidi controls or other control characters (line breaks
/// become `\n`), card numbers masked.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_line_break(c) {
            out.push('\n');
        } else if c == '\t' {
            out.push(' ');
        } else if !(is_bidi_control(c) || c.is_control()) {
            out.push(c);
        }
    }
    mask_card_numbers_in(&out).into_owned()
}

/// A name the customer chose, as one isolated line: `Sara (@sara)` between U+2068 and U+2069.
pub(crate) fn name(text: &str) -> String {
    let one_line: String =
        clean(text).split('\n').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    let shown = if one_line.is_empty() { "?" } else { one_line.as_str() };
    format!("{FSI}{shown}{PDI}")
}

/// A customer as admins name them: first name and @username, isolated.
pub(crate) fn customer_name(customer: &bazar_store::Customer) -> String {
    match (&customer.first_name, &customer.username) {
        (Some(first), Some(user)) => name(&format!("{first} (@{user})")),
        (Some(first), None) => name(first),
        (None, Some(user)) => name(&format!("@{user}")),
        (None, None) => name("?"),
    }
}

/// A text the customer wrote, every line behind the quote bar.
pub(crate) fn quote(text: &str) -> String {
    let cleaned = clean(text);
    let mut lines = Vec::new();
    for line in cleaned.trim().split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            lines.push(QUOTE_BAR.trim_end().to_owned());
            continue;
        }
        for piece in limits::split(line, QUOTE_WIDTH, Markup::Plain) {
            lines.push(format!("{QUOTE_BAR}{piece}"));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RLO: char = '\u{202E}';

    #[test]
    fn a_name_cannot_turn_the_line_around() {
        let shown = name(&format!("Sara{RLO}0515 di · "));
        assert!(!shown.contains(RLO), "{shown:?}");
        assert!(shown.starts_with(FSI) && shown.ends_with(PDI), "{shown:?}");
        assert_eq!(shown.chars().filter(|c| is_bidi_control(*c)).count(), 2, "only our own isolate: {shown:?}");
        for control in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']
        {
            assert_eq!(name(&format!("a{control}b")), format!("{FSI}ab{PDI}"));
        }
        assert_eq!(name("a\u{200E}\u{200F}\u{061C}b"), format!("{FSI}ab{PDI}"));
        // Persian stays as it is (ZWNJ is part of the spelling).
        assert_eq!(name("می‌خواهم"), format!("{FSI}می‌خواهم{PDI}"));
    }

    #[test]
    fn a_name_is_one_line() {
        assert_eq!(name("Sara\nAmount: 9,999,999"), format!("{FSI}Sara Amount: 9,999,999{PDI}"));
        assert_eq!(name("Sara\u{2028}x\r\ny"), format!("{FSI}Sara x y{PDI}"));
        assert_eq!(name(" \n "), format!("{FSI}?{PDI}"));
    }

    #[test]
    fn a_note_cannot_forge_a_line() {
        let note = "paid\nAmount: 9,999,999 IRT (bank confirmed)\r\nok\u{2029}done\u{0085}x";
        let quoted = quote(note);
        for line in quoted.lines() {
            assert!(line.starts_with(QUOTE_BAR.trim_end()), "{line:?} in {quoted:?}");
        }
        assert!(quoted.contains("┃ Amount: 9,999,999 IRT (bank confirmed)"), "{quoted}");
        assert_eq!(quoted.lines().count(), 5);
        assert!(!quoted.contains(['\r', '\u{2028}', '\u{2029}', '\u{0085}']));
    }

    #[test]
    fn long_lines_are_wrapped_behind_the_bar() {
        let quoted = quote(&"word ".repeat(1000));
        assert!(quoted.lines().count() > 1);
        for line in quoted.lines() {
            assert!(line.starts_with(QUOTE_BAR), "{line:?}");
            assert!(limits::telegram_len(line, Markup::Plain) <= QUOTE_WIDTH + 2);
        }
    }

    #[test]
    fn card_numbers_are_masked_in_notes_and_names() {
        let number = "6037991234567810";
        assert!(bazar_domain::CardNumber::parse(number).is_ok());
        let quoted = quote("from my card 6037 9912 3456 7810 at 10:30");
        assert!(quoted.contains("603799******7810") && !quoted.contains("3456"), "{quoted}");
        let persian = quote("از کارت ۶۰۳۷-۹۹۱۲-۳۴۵۶-۷۸۱۰");
        assert!(persian.contains("603799******7810") && !persian.contains("۳۴۵۶"), "{persian}");
        assert!(name(&format!("Ali {number}")).contains("603799******7810"));
    }
}
