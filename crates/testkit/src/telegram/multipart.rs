//! A small `multipart/form-data` reader (RFC 7578), enough for what Bot API
//! clients send: text fields and file parts. Written here rather than pulling
//! in a streaming parser because the fake already holds the whole body.

use axum::body::Bytes;

/// One part of the body.
pub(crate) struct Part {
    /// The form field name.
    pub name: String,
    /// `filename` of the part, when it is a file.
    pub file_name: Option<String>,
    /// The part's own `Content-Type`, when given.
    pub content_type: Option<String>,
    /// The part's content (a cheap slice of the request body).
    pub data: Bytes,
}

impl Part {
    /// A part is a file upload when the client named a file or declared a
    /// non-text content type; everything else is a plain form value.
    pub fn is_file(&self) -> bool {
        self.file_name.is_some() || self.content_type.as_deref().is_some_and(|ct| !ct.starts_with("text/"))
    }
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Splits the body into parts; `None` when it is not well-formed.
pub(crate) fn parse(body: &Bytes, boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}");
    let separator = format!("\r\n--{boundary}");
    let mut pos = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            return Some(parts);
        }
        pos = skip_line_break(body, pos)?;
        let headers_end = find(body, b"\r\n\r\n", pos)?;
        let headers = std::str::from_utf8(&body[pos..headers_end]).ok()?;
        let content_start = headers_end + 4;
        let content_end = find(body, separator.as_bytes(), content_start)?;
        let mut part = parse_headers(headers)?;
        part.data = body.slice(content_start..content_end);
        parts.push(part);
        pos = content_end + separator.len();
    }
}

fn skip_line_break(body: &[u8], pos: usize) -> Option<usize> {
    let rest = &body[pos..];
    // Tolerate transport padding (spaces/tabs) after the delimiter, as the RFC allows.
    let padding = rest.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
    rest[padding..].starts_with(b"\r\n").then_some(pos + padding + 2)
}

fn parse_headers(headers: &str) -> Option<Part> {
    let mut part = Part { name: String::new(), file_name: None, content_type: None, data: Bytes::new() };
    let mut has_name = false;
    for line in headers.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else { continue };
        if key.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.trim().to_owned());
        } else if key.trim().eq_ignore_ascii_case("content-disposition") {
            for param in value.split(';').skip(1) {
                let Some((k, v)) = param.trim().split_once('=') else { continue };
                let v = v.trim().trim_matches('"').to_owned();
                match k.trim().to_ascii_lowercase().as_str() {
                    "name" => {
                        part.name = v;
                        has_name = true;
                    }
                    "filename" => part.file_name = Some(v),
                    _ => {}
                }
            }
        }
    }
    has_name.then_some(part)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut pos = from;
    while pos + needle.len() <= haystack.len() {
        let offset = haystack[pos..].iter().position(|b| *b == first)?;
        pos += offset;
        if haystack[pos..].starts_with(needle) {
            return Some(pos);
        }
        pos += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_file_parts() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n\
              --XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\
              Content-Type: image/jpeg\r\n\r\n\xff\xd8\r\n--\r\n--XyZ--\r\n",
        );
        let parts = parse(&body, &boundary("multipart/form-data; boundary=XyZ").unwrap()).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), &parts[0].data[..], parts[0].is_file()), ("chat_id", &b"42"[..], false));
        assert_eq!(parts[1].file_name.as_deref(), Some("a.jpg"));
        assert_eq!(&parts[1].data[..], b"\xff\xd8\r\n--");
        assert!(parts[1].is_file());
    }
}
