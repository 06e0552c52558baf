//! Message texts as Telegram reads them: `parse_mode: HTML` parsed (and
//! refused when malformed, as Telegram does), lengths in UTF-16 code units of
//! what is shown — tags count nothing, `&lt;` counts one, an emoji outside the
//! BMP two. A fake that measured differently would accept what Telegram
//! refuses, and the bot's bug would reach production unseen.

use super::envelope::ApiError;

/// The tags Telegram's HTML mode knows.
const TAGS: [&str; 16] = [
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

/// The length Telegram checks: UTF-16 units of the text shown, after parsing
/// `parse_mode` (only HTML is parsed here; other modes count as written).
pub(crate) fn shown_len(text: &str, parse_mode: Option<&str>) -> Result<usize, ApiError> {
    match parse_mode {
        Some(mode) if mode.eq_ignore_ascii_case("html") => html_len(text),
        _ => Ok(text.encode_utf16().count()),
    }
}

/// Refuses `text` longer than `max` as Telegram does: 400 `Bad Request: {error}`.
pub(crate) fn check_len(text: &str, parse_mode: Option<&str>, max: usize, error: &str) -> Result<(), ApiError> {
    if shown_len(text, parse_mode)? > max { Err(ApiError::bad_request(error)) } else { Ok(()) }
}

fn parse_error(detail: String) -> ApiError {
    ApiError::bad_request(format!("can't parse entities: {detail}"))
}

fn html_len(text: &str) -> Result<usize, ApiError> {
    let mut units = 0;
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        match c {
            '<' => {
                let end =
                    tag_end(text, i).ok_or_else(|| parse_error(format!("Unclosed start tag at byte offset {i}")))?;
                let inner = &text[i + 1..end];
                if let Some(name) = inner.strip_prefix('/') {
                    let name = name.trim().to_ascii_lowercase();
                    match open.pop() {
                        Some(top) if top == name => {}
                        Some(top) => {
                            return Err(parse_error(format!(
                                "Can't find end tag corresponding to start tag \"{top}\""
                            )));
                        }
                        None => return Err(parse_error(format!("Unexpected end tag at byte offset {i}"))),
                    }
                } else {
                    let name: String = inner
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect::<String>()
                        .to_ascii_lowercase();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(parse_error(format!("Unsupported start tag \"{name}\" at byte offset {i}")));
                    }
                    open.push(name);
                }
                i = end + 1;
            }
            '&' => {
                let (len, shown) = entity(&text[i..]).unwrap_or((1, '&'));
                units += shown.len_utf16();
                i += len;
            }
            _ => {
                units += c.len_utf16();
                i += c.len_utf8();
            }
        }
    }
    match open.pop() {
        Some(top) => Err(parse_error(format!("Can't find end tag corresponding to start tag \"{top}\""))),
        None => Ok(units),
    }
}

/// Byte index of the `>` ending the tag that starts at `start` (quotes respected).
fn tag_end(text: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text[start + 1..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            (None, '>') => return Some(start + 1 + i),
            _ => {}
        }
    }
    None
}

/// An entity at the start of `text`: its byte length and the character it shows.
fn entity(text: &str) -> Option<(usize, char)> {
    let end = text.find(';').filter(|e| *e <= 10)?;
    let shown = match &text[1..end] {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        name => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((end + 1, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_like_telegram() {
        assert_eq!(shown_len("سلام 😀", None).unwrap(), 7);
        assert_eq!(shown_len("<b>a</b>&lt;&#128512;", Some("HTML")).unwrap(), 4);
        assert_eq!(shown_len("<b>a</b>", None).unwrap(), 8);
        assert_eq!(shown_len("a & b", Some("HTML")).unwrap(), 5);
    }

    #[test]
    fn refuses_malformed_html() {
        for bad in ["<b>open", "</b>", "<b><i>x</b></i>", "<script>x</script>", "a <b"] {
            let err = shown_len(bad, Some("HTML")).unwrap_err();
            assert!(err.description.starts_with("Bad Request: can't parse entities"), "{bad}: {err:?}");
        }
    }
}
