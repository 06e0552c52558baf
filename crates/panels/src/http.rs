//! The HTTP plumbing both adapters share: one exchange under a deadline,
//! URLs built from the configured base, and the sorting of answers into data
//! or a [`PanelError`].

use crate::PanelError;
use reqwest::{RequestBuilder, StatusCode, Url};
use serde_json::Value;

/// The raw answer to one request.
pub(crate) struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// The whole body.
    pub body: Vec<u8>,
    /// The `name=value` part of each `Set-Cookie` header (session logins).
    pub cookies: Vec<String>,
}

impl Reply {
    /// The body as JSON, whatever the status; `None` when it is not JSON
    /// (a reverse proxy's HTML error page, an empty body).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body of a successful answer as JSON, or [`PanelError::Protocol`].
    pub fn success_json(&self, what: &str) -> Result<Value, PanelError> {
        self.json()
            .ok_or_else(|| PanelError::Protocol(format!("{what}: the answer (HTTP {}) is not JSON", self.status)))
    }
}

/// Sends `request` and reads the whole answer.
///
/// The timeout set on the request covers connecting, sending and reading the
/// body, so a panel that accepts the connection and then stalls cannot hold
/// the caller beyond it.
pub(crate) async fn exchange(request: RequestBuilder, what: &str) -> Result<Reply, PanelError> {
    let response = request.send().await.map_err(|e| transport(what, e))?;
    let status = response.status();
    let cookies = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(|pair| pair.trim().to_owned()))
        .filter(|pair| pair.contains('='))
        .collect();
    let body = response.bytes().await.map_err(|e| transport(what, e))?;
    Ok(Reply { status, body: body.to_vec(), cookies })
}

/// A transport failure, described without its URL.
fn transport(what: &str, error: reqwest::Error) -> PanelError {
    PanelError::Unavailable(format!("{what}: {}", bazar_outbound::describe_transport_error(error)))
}

/// The error for a non-2xx answer. `detail` is the panel's own explanation,
/// when its body carried one.
///
/// 401 and 403 both mean our credentials are wrong or lack rights; 408, 425,
/// 429 and 5xx mean "later"; any other 4xx means this request will never
/// succeed as it is; anything else (1xx, 3xx) is not part of either API.
pub(crate) fn status_error(what: &str, status: StatusCode, detail: Option<String>) -> PanelError {
    let detail = detail.filter(|d| !d.is_empty()).map(|d| format!(": {d}")).unwrap_or_default();
    let text = format!("{what}: HTTP {status}{detail}");
    match status.as_u16() {
        401 | 403 => PanelError::Unauthorized,
        408 | 425 | 429 | 500..=599 => PanelError::Unavailable(text),
        400..=499 => PanelError::Rejected(text),
        _ => PanelError::Protocol(text),
    }
}

/// Checks and normalises a configured base URL (no trailing slash in the path).
///
/// The error text does not repeat the URL: it could carry userinfo.
pub(crate) fn parse_base(base_url: &str) -> Result<Url, PanelError> {
    let invalid = || {
        PanelError::Rejected(
            "the panel base URL must look like http(s)://host[:port][/prefix], without credentials, query or fragment"
                .into(),
        )
    };
    let mut url = Url::parse(base_url.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.cannot_be_a_base()
        || url.host().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid());
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// `base` + the given path segments, each percent-encoded as needed (a
/// username is data, not path syntax).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.path_segments_mut().expect("an http(s) base URL has path segments").pop_if_empty().extend(segments);
    url
}

/// Makes a subscription link absolute.
///
/// A link that is already absolute is kept. A relative one (Marzban's default
/// `/sub/{token}`, when `XRAY_SUBSCRIPTION_URL_PREFIX` is unset) is relative
/// to the panel, so it is appended to the configured base *including* its
/// path prefix: a panel published at `https://host/marzban` serves its
/// `/sub/…` at `https://host/marzban/sub/…`.
pub(crate) fn absolute_link(base: &Url, link: &str, what: &str) -> Result<String, PanelError> {
    let link = link.trim();
    if link.is_empty() {
        return Err(PanelError::Protocol(format!("{what}: the panel gave no subscription URL")));
    }
    if let Ok(url) = Url::parse(link) {
        if matches!(url.scheme(), "http" | "https") {
            return Ok(url.to_string());
        }
        return Err(PanelError::Protocol(format!("{what}: the subscription URL is not http(s)")));
    }
    let base = base.as_str().trim_end_matches('/');
    let joined = if link.starts_with('/') { format!("{base}{link}") } else { format!("{base}/{link}") };
    Url::parse(&joined)
        .map(|u| u.to_string())
        .map_err(|_| PanelError::Protocol(format!("{what}: the subscription URL is not a valid path")))
}

/// A JSON number as `u64`, also when the panel wrote it as a float
/// (`1.5e9`) or a numeric string, as JavaScript and Python backends sometimes do.
pub(crate) fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.is_finite()).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON number as `i64`, also from a float or a numeric string.
pub(crate) fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalised() {
        assert_eq!(parse_base("https://panel.example.com/").unwrap().as_str(), "https://panel.example.com/");
        assert_eq!(parse_base(" http://127.0.0.1:3000/marzban/ ").unwrap().as_str(), "http://127.0.0.1:3000/marzban");
        for bad in
            ["panel.example.com", "ftp://host", "https://u:p@host", "https://host/?a=1", "https://host/#x", "mailto:x"]
        {
            let err = parse_base(bad).unwrap_err();
            assert!(matches!(err, PanelError::Rejected(_)), "{bad}");
            assert!(!err.to_string().contains("u:p"));
        }
    }

    #[test]
    fn endpoints_keep_the_prefix_and_encode_segments() {
        let base = parse_base("http://127.0.0.1:1/prefix").unwrap();
        assert_eq!(endpoint(&base, &["api", "user", "a b/c"]).as_str(), "http://127.0.0.1:1/prefix/api/user/a%20b%2Fc");
        let root = parse_base("http://127.0.0.1:1").unwrap();
        assert_eq!(endpoint(&root, &["api", "users"]).as_str(), "http://127.0.0.1:1/api/users");
    }

    #[test]
    fn subscription_links_become_absolute() {
        let base = parse_base("https://host/marzban/").unwrap();
        assert_eq!(absolute_link(&base, "/sub/abc", "t").unwrap(), "https://host/marzban/sub/abc");
        assert_eq!(absolute_link(&base, "sub/abc", "t").unwrap(), "https://host/marzban/sub/abc");
        assert_eq!(absolute_link(&base, "https://sub.example.com/abc", "t").unwrap(), "https://sub.example.com/abc");
        assert!(matches!(absolute_link(&base, "", "t"), Err(PanelError::Protocol(_))));
        assert!(matches!(absolute_link(&base, "javascript:alert(1)", "t"), Err(PanelError::Protocol(_))));
    }

    #[test]
    fn statuses_are_sorted_by_what_to_do() {
        let err = |code| status_error("op", StatusCode::from_u16(code).unwrap(), Some("why".into()));
        assert_eq!(err(401), PanelError::Unauthorized);
        assert_eq!(err(403), PanelError::Unauthorized);
        assert!(matches!(err(400), PanelError::Rejected(ref t) if t == "op: HTTP 400 Bad Request: why"));
        assert!(matches!(err(404), PanelError::Rejected(_)));
        assert!(matches!(err(429), PanelError::Unavailable(_)));
        assert!(matches!(err(502), PanelError::Unavailable(_)));
        assert!(matches!(err(302), PanelError::Protocol(_)));
    }

    #[test]
    fn numbers_are_read_leniently() {
        assert_eq!(as_u64(&serde_json::json!(5)), Some(5));
        assert_eq!(as_u64(&serde_json::json!(1.5e9)), Some(1_500_000_000));
        assert_eq!(as_u64(&serde_json::json!("42")), Some(42));
        assert_eq!(as_u64(&serde_json::json!(-1)), None);
        assert_eq!(as_i64(&serde_json::json!(-7)), Some(-7));
        assert_eq!(as_i64(&Value::Null), None);
    }
}
