//! Telegram's length limits, applied to every call Bazar makes.
//!
//! Telegram refuses — with a 400 nobody reads — a message text over 4,096, a
//! caption over 1,024, a button-press answer over 200, an invoice title over
//! 32 or description over 255. It counts UTF-16 code units of the text *after*
//! entity parsing: with `parse_mode: HTML` the tags do not count and `&lt;`
//! counts as one (an emoji outside the BMP counts two). Every [`Outgoing`]
//! passes [`fit_call`] when it is built, so no path (replies, jobs,
//! broadcasts, the webhook answer) can produce a refused text: an over-long
//! one is cut at a character boundary — never inside a tag or an entity — and
//! ends with "…", with the tags left open closed again.
//!
//! Where cutting would lose what a person must read in full, the caller uses
//! [`split`] first and sends the pieces as several messages, in order.
//!
//! [`Outgoing`]: crate::Outgoing

use serde_json::Value;
use std::borrow::Cow;

/// Most units of a message text (`sendMessage`, `editMessageText`).
pub const MESSAGE_TEXT: usize = 4096;
/// Most units of a media caption (`sendPhoto`, `sendDocument`, `editMessageCaption`, …).
pub const CAPTION: usize = 1024;
/// Most units of the text of an `answerCallbackQuery`.
pub const CALLBACK_ANSWER: usize = 200;
/// Most units of an invoice's title.
pub const INVOICE_TITLE: usize = 32;
/// Most units of an invoice's description.
pub const INVOICE_DESCRIPTION: usize = 255;

/// What marks the end of a shortened text.
const ELLIPSIS: &str = "…";

/// Methods whose `caption` is a media caption.
const CAPTIONED: [&str; 9] = [
    "sendPhoto",
    "sendDocument",
    "sendVideo",
    "sendAnimation",
    "sendAudio",
    "sendVoice",
    "sendPaidMedia",
    "copyMessage",
    "editMessageCaption",
];

/// How Telegram reads a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// As is: every character counts.
    Plain,
    /// `parse_mode: HTML`: tags count nothing, an entity counts as its character.
    Html,
}

/// The length Telegram checks against its limits: UTF-16 code units of what is shown.
pub fn telegram_len(text: &str, markup: Markup) -> usize {
    tokens(text, markup).iter().map(Token::units).sum()
}

/// `text` within `limit` units: unchanged when it fits, else cut at a
/// character boundary with "…" at the end (tags left open are closed after it).
pub fn fit(text: &str, limit: usize, markup: Markup) -> Cow<'_, str> {
    if telegram_len(text, markup) <= limit {
        return Cow::Borrowed(text);
    }
    let tokens = tokens(text, markup);
    let budget = limit.saturating_sub(ELLIPSIS.encode_utf16().count());
    let mut end = 0;
    let mut units = 0;
    for token in &tokens {
        if units + token.units() > budget {
            break;
        }
        units += token.units();
        end += 1;
    }
    // "word …" reads worse than "word…".
    while end > 0 && tokens[end - 1].is_space() {
        end -= 1;
    }
    let mut open = Vec::new();
    let mut out = String::with_capacity(text.len().min(limit * 4));
    for token in &tokens[..end] {
        out.push_str(token.raw());
        token.track(&mut open);
    }
    out.push_str(ELLIPSIS);
    close_all(&mut out, &open);
    Cow::Owned(out)
}

/// `text` in pieces of at most `limit` units each, in order, for content that
/// must arrive whole: cut at the last line break that fits, else the last
/// space, else at a character boundary. A tag open at a cut is closed at the
/// end of one piece and opened again at the start of the next, so every piece
/// is valid on its own. The line break or space cut at is dropped.
pub fn split(text: &str, limit: usize, markup: Markup) -> Vec<String> {
    let tokens = tokens(text, markup);
    let limit = limit.max(1);
    let mut pieces = Vec::new();
    let mut open: Vec<Token<'_>> = Vec::new();
    let mut start = 0;
    while start < tokens.len() {
        let (end, next) = piece_end(&tokens, start, limit);
        let mut piece = String::new();
        for tag in &open {
            piece.push_str(tag.raw());
        }
        let mut shown = 0;
        for token in &tokens[start..end] {
            piece.push_str(token.raw());
            shown += token.units();
            token.track(&mut open);
        }
        for token in &tokens[end..next] {
            token.track(&mut open);
        }
        close_all(&mut piece, &open);
        if shown > 0 {
            pieces.push(piece);
        }
        start = next;
    }
    pieces
}

/// Where the piece starting at `start` ends (exclusive) and where the next begins.
fn piece_end(tokens: &[Token<'_>], start: usize, limit: usize) -> (usize, usize) {
    let (mut units, mut line_break, mut space) = (0, None, None);
    for (i, token) in tokens.iter().enumerate().skip(start) {
        if units + token.units() > limit {
            return match (line_break, space) {
                (Some(at), _) | (None, Some(at)) => (at, at + 1),
                // One character wider than the limit cannot happen for limits ≥ 2; move on regardless.
                (None, None) if i == start => (i + 1, i + 1),
                (None, None) => (i, i),
            };
        }
        units += token.units();
        if i > start && token.is_line_break() {
            line_break = Some(i);
        } else if i > start && token.is_space() {
            space = Some(i);
        }
    }
    (tokens.len(), tokens.len())
}

fn close_all(out: &mut String, open: &[Token<'_>]) {
    for tag in open.iter().rev() {
        if let Token::Open { name, .. } = tag {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

/// Applies Telegram's limits to the texts of one call of `method`, in place.
pub fn fit_call(method: &str, params: &mut Value) {
    let is = |name: &str| method.eq_ignore_ascii_case(name);
    if is("sendMessage") || is("editMessageText") {
        fit_field(params, "text", "entities", MESSAGE_TEXT);
    } else if CAPTIONED.iter().any(|m| is(m)) {
        fit_field(params, "caption", "caption_entities", CAPTION);
    } else if is("answerCallbackQuery") {
        fit_plain(params, "text", CALLBACK_ANSWER);
    } else if is("sendInvoice") || is("createInvoiceLink") {
        fit_plain(params, "title", INVOICE_TITLE);
        fit_plain(params, "description", INVOICE_DESCRIPTION);
    }
}

/// A field without markup (Telegram parses none there).
fn fit_plain(params: &mut Value, field: &str, limit: usize) {
    if let Some(Value::String(text)) = params.get_mut(field)
        && let Cow::Owned(cut) = fit(text, limit, Markup::Plain)
    {
        *text = cut;
    }
}

/// A message text or caption, read the way its `parse_mode` says.
fn fit_field(params: &mut Value, field: &str, entities: &str, limit: usize) {
    let mode = params.get("parse_mode").and_then(Value::as_str).map(str::to_owned);
    let Some(Value::String(text)) = params.get_mut(field) else { return };
    let markup = match mode.as_deref() {
        None | Some("") => Markup::Plain,
        Some(m) if m.eq_ignore_ascii_case("html") => Markup::Html,
        // Markdown is never produced by Bazar: count it as plain text (an
        // over-estimate) and, if it must be cut, send it unparsed rather than broken.
        Some(_) => Markup::Plain,
    };
    let Cow::Owned(cut) = fit(text, limit, markup) else { return };
    *text = cut;
    if markup == Markup::Plain && mode.is_some() {
        params.as_object_mut().map(|o| o.remove("parse_mode"));
    }
    // Explicit entities past the cut would point at text that is gone.
    let kept = params.get(field).and_then(Value::as_str).map(|t| telegram_len(t, Markup::Plain)).unwrap_or(0);
    if let Some(Value::Array(list)) = params.get_mut(entities) {
        list.retain(|e| {
            let at = |k: &str| e.get(k).and_then(Value::as_u64).unwrap_or(u64::MAX);
            at("offset").saturating_add(at("length")) < kept as u64
        });
    }
}

/// One piece of a text as Telegram parses it.
#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    /// One character, or one HTML entity (`&lt;`, `&#128512;`), as written.
    Shown { raw: &'a str, units: usize },
    /// An opening tag as written (`<a href="…">`), and its name.
    Open { raw: &'a str, name: &'a str },
    /// A closing tag.
    Close { raw: &'a str, name: &'a str },
}

impl<'a> Token<'a> {
    fn raw(&self) -> &'a str {
        match self {
            Self::Shown { raw, .. } | Self::Open { raw, .. } | Self::Close { raw, .. } => raw,
        }
    }

    fn units(&self) -> usize {
        match self {
            Self::Shown { units, .. } => *units,
            _ => 0,
        }
    }

    fn is_space(&self) -> bool {
        matches!(self, Self::Shown { raw, .. } if raw.chars().all(char::is_whitespace))
    }

    fn is_line_break(&self) -> bool {
        matches!(self, Self::Shown { raw: "\n", .. })
    }

    /// Keeps `open` (the tags open so far, outermost first) up to date.
    fn track(&self, open: &mut Vec<Token<'a>>) {
        match self {
            Self::Open { .. } => open.push(*self),
            Self::Close { name, .. } => {
                if let Some(at) = open.iter().rposition(|t| matches!(t, Self::Open { name: n, .. } if n == name)) {
                    open.truncate(at);
                }
            }
            Self::Shown { .. } => {}
        }
    }
}

fn tokens(text: &str, markup: Markup) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (token, len) = match markup {
            Markup::Html if c == '<' => tag(rest).unwrap_or_else(|| shown_char(rest, c)),
            Markup::Html if c == '&' => entity(rest).unwrap_or_else(|| shown_char(rest, c)),
            _ => shown_char(rest, c),
        };
        out.push(token);
        rest = &rest[len..];
    }
    out
}

fn shown_char(rest: &str, c: char) -> (Token<'_>, usize) {
    let len = c.len_utf8();
    (Token::Shown { raw: &rest[..len], units: c.len_utf16() }, len)
}

/// `<name …>` or `</name>` at the start of `rest` (quotes respected), if it is one.
fn tag(rest: &str) -> Option<(Token<'_>, usize)> {
    let body = &rest[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let name_len = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(body.len());
    if name_len == 0 {
        return None;
    }
    let mut quote = None;
    for (i, c) in rest.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => {
                let raw = &rest[..=i];
                let name = &body[..name_len];
                return Some((if closing { Token::Close { raw, name } } else { Token::Open { raw, name } }, i + 1));
            }
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#N;` or `&#xN;` at the start of `rest`.
fn entity(rest: &str) -> Option<(Token<'_>, usize)> {
    let end = rest.char_indices().take(12).find(|(_, c)| *c == ';').map(|(i, _)| i)?;
    let name = &rest[1..end];
    let shown = match name {
        "lt" | "gt" | "amp" | "quot" => 'x',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((Token::Shown { raw: &rest[..=end], units: shown.len_utf16() }, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_utf16_units_of_what_is_shown() {
        assert_eq!(telegram_len("abc", Markup::Plain), 3);
        // Persian letters are one unit each (two bytes in UTF-8).
        assert_eq!(telegram_len("سلام", Markup::Plain), 4);
        // An emoji outside the BMP is two; a flag is four.
        assert_eq!(telegram_len("😀", Markup::Plain), 2);
        assert_eq!(telegram_len("🇮🇷", Markup::Plain), 4);
        // Tags count nothing, entities count as their character.
        assert_eq!(telegram_len("<b>a</b> &lt;&amp;&#128512;", Markup::Html), 6);
        assert_eq!(telegram_len("<a href=\"https://x.y/?a=1&b=2>3\">link</a>", Markup::Html), 4);
        // In plain text the same characters all count.
        assert_eq!(telegram_len("<b>a</b>", Markup::Plain), 8);
        // A lone `&` or `<` is a character.
        assert_eq!(telegram_len("a & b < c", Markup::Html), 9);
    }

    #[test]
    fn a_text_that_fits_is_left_alone() {
        assert!(matches!(fit("hello", 5, Markup::Plain), Cow::Borrowed("hello")));
        let html = format!("<b>{}</b>", "x".repeat(4096));
        assert!(matches!(fit(&html, MESSAGE_TEXT, Markup::Html), Cow::Borrowed(_)), "tags do not count");
    }

    #[test]
    fn cuts_at_a_character_boundary_with_an_ellipsis() {
        let cut = fit("hello world", 8, Markup::Plain);
        assert_eq!(cut, "hello w…");
        assert_eq!(telegram_len(&cut, Markup::Plain), 8);
        // No space left dangling before the ellipsis.
        assert_eq!(fit("hello world", 7, Markup::Plain), "hello…");
    }

    #[test]
    fn never_splits_an_emoji_and_counts_persian_right() {
        // 3 emoji = 6 units; a limit of 4 leaves room for one emoji and "…".
        assert_eq!(fit("😀😀😀", 4, Markup::Plain), "😀…");
        assert_eq!(fit("😀😀😀", 3, Markup::Plain), "😀…");
        let persian = "سلام دنیا ".repeat(500);
        let cut = fit(&persian, CAPTION, Markup::Plain);
        assert!(telegram_len(&cut, Markup::Plain) <= CAPTION && cut.ends_with('…'));
        assert!(telegram_len(&cut, Markup::Plain) >= CAPTION - 2, "uses the room it has");
        let mixed = "😀ب".repeat(700);
        let cut = fit(&mixed, CAPTION, Markup::Plain);
        assert!(telegram_len(&cut, Markup::Plain) <= CAPTION && cut.ends_with('…'), "{}", cut.len());
    }

    #[test]
    fn never_cuts_inside_a_tag_or_an_entity_and_closes_what_is_open() {
        let text = format!("<b>Title</b>\n<blockquote>{}</blockquote>", "a&lt;b ".repeat(400));
        let cut = fit(&text, 100, Markup::Html);
        assert!(telegram_len(&cut, Markup::Html) <= 100, "{cut}");
        assert!(cut.ends_with("…</blockquote>"), "{cut}");
        assert!(!cut.contains("&l…") && !cut.contains("&lt…"), "{cut}");
        assert_valid_html(&cut);

        let nested = format!("<b><i>{}</i></b>", "x".repeat(50));
        assert_eq!(fit(&nested, 5, Markup::Html), "<b><i>xxxx…</i></b>");
        // The cut falls right after an opening tag: it is still closed.
        let cut = fit("abcd<code>efgh</code>", 5, Markup::Html);
        assert_eq!(cut, "abcd<code>…</code>");
        // An entity is one unit and is kept or dropped whole.
        assert_eq!(fit("&amp;&amp;&amp;&amp;", 3, Markup::Html), "&amp;&amp;…");
        // A link's attributes never count, even with `>` inside quotes.
        let link = format!("<a href=\"https://x.y/?q=>\">{}</a>", "z".repeat(20));
        assert_eq!(fit(&link, 4, Markup::Html), "<a href=\"https://x.y/?q=>\">zzz…</a>");
    }

    #[test]
    fn splits_at_line_breaks_and_reopens_tags() {
        let lines: Vec<String> = (0..300).map(|i| format!("line {i:03} of the ticket")).collect();
        let text = lines.join("\n");
        let pieces = split(&text, 1000, Markup::Plain);
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|p| telegram_len(p, Markup::Plain) <= 1000));
        assert_eq!(pieces.join("\n"), text, "nothing lost, in order");
        assert!(pieces.iter().all(|p| p.starts_with("line ")), "cut only between lines");

        // One long line: cut at spaces; without spaces, at characters.
        let words = "word ".repeat(1000);
        let pieces = split(words.trim_end(), 4096, Markup::Plain);
        assert_eq!(pieces.join(" "), words.trim_end());
        let solid = "😀".repeat(3000);
        let pieces = split(&solid, 4096, Markup::Plain);
        assert_eq!(pieces.concat(), solid);
        assert!(pieces.iter().all(|p| telegram_len(p, Markup::Plain) <= 4096));

        let html = format!("<b>Ticket</b>\n<blockquote>{}</blockquote>", "x&lt;y\n".repeat(2000));
        let pieces = split(&html, MESSAGE_TEXT, Markup::Html);
        assert!(pieces.len() > 1);
        for piece in &pieces {
            assert!(telegram_len(piece, Markup::Html) <= MESSAGE_TEXT);
            assert_valid_html(piece);
        }
        assert!(pieces[1].starts_with("<blockquote>"), "reopened: {}", &pieces[1][..40]);
    }

    #[test]
    fn every_call_is_fitted_to_its_own_limit() {
        let mut message = json!({"chat_id": 1, "text": "y".repeat(5000)});
        fit_call("sendMessage", &mut message);
        assert_eq!(telegram_len(message["text"].as_str().unwrap(), Markup::Plain), MESSAGE_TEXT);
        let mut photo = json!({"chat_id": 1, "photo": "f", "caption": "y".repeat(1105)});
        fit_call("sendPhoto", &mut photo);
        assert_eq!(telegram_len(photo["caption"].as_str().unwrap(), Markup::Plain), CAPTION);
        let mut edit = json!({"chat_id": 1, "message_id": 2, "caption": "<b>y</b>".repeat(2000), "parse_mode": "HTML"});
        fit_call("editMessageCaption", &mut edit);
        let caption = edit["caption"].as_str().unwrap();
        assert!(telegram_len(caption, Markup::Html) <= CAPTION && caption.ends_with("…</b>"), "{caption}");
        let mut answer = json!({"callback_query_id": "q", "text": "t".repeat(300)});
        fit_call("answerCallbackQuery", &mut answer);
        assert_eq!(telegram_len(answer["text"].as_str().unwrap(), Markup::Plain), CALLBACK_ANSWER);
        let mut invoice = json!({"title": "T".repeat(40), "description": "D".repeat(300)});
        fit_call("sendInvoice", &mut invoice);
        assert_eq!(invoice["title"].as_str().unwrap().chars().count(), INVOICE_TITLE);
        assert_eq!(invoice["description"].as_str().unwrap().chars().count(), INVOICE_DESCRIPTION);
        // A QR code's short caption, a button's data: untouched.
        let mut small = json!({"chat_id": 1, "photo": "f", "caption": "ok"});
        fit_call("sendPhoto", &mut small);
        assert_eq!(small["caption"], "ok");
        // Markdown that must be cut goes out unparsed, entities past the cut are dropped.
        let mut md = json!({"chat_id": 1, "text": "*b* ".repeat(2000), "parse_mode": "MarkdownV2",
            "entities": [{"type": "bold", "offset": 0, "length": 3}, {"type": "bold", "offset": 5000, "length": 3}]});
        fit_call("sendMessage", &mut md);
        assert!(md.get("parse_mode").is_none());
        assert_eq!(md["entities"].as_array().unwrap().len(), 1);
    }

    /// Every closing tag matches the innermost open one, and none is left open.
    fn assert_valid_html(text: &str) {
        let mut open = Vec::new();
        for token in tokens(text, Markup::Html) {
            match token {
                Token::Open { name, .. } => open.push(name),
                Token::Close { name, .. } => assert_eq!(open.pop(), Some(name), "{text}"),
                Token::Shown { raw, .. } => assert!(raw != "<" && raw != ">", "bare {raw} in {text}"),
            }
        }
        assert!(open.is_empty(), "left open {open:?}: {text}");
    }
}
