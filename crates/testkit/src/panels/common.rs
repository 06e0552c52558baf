//! What both panel fakes share: a listener that can hang up without
//! answering, the "reverse proxy" in front of each fake (failure injection,
//! request records), dates and random identifiers.
//!
//! Dates and ids are written here independently of `bazar-panels`, on
//! purpose: a fake that reused the client's code could not catch its bugs.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use rand::Rng;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as a fake received it, for assertions on what a client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path and query, as sent (still percent-encoded).
    pub path: String,
    /// Headers with lower-case names. `authorization` is left out: tests
    /// assert on auth through status codes, and records should not hold secrets.
    pub headers: BTreeMap<String, String>,
    /// The JSON body, or `Null` when there was none or it was not JSON (forms).
    pub body: Value,
}

/// An answer planned by a test, replacing the fake's real one.
struct Planned {
    status: u16,
    /// `None` = the panel's own error shape for `status`.
    body: Option<(&'static str, String)>,
}

/// The failure injection and request log in front of a fake, like a reverse
/// proxy that can be told to misbehave.
pub(crate) struct Front {
    planned: Mutex<VecDeque<Planned>>,
    delays: Mutex<VecDeque<Duration>>,
    down: AtomicBool,
    down_until: Mutex<Option<Instant>>,
    log: Mutex<Vec<PanelRequest>>,
    /// The panel's own error body for a status (JSON in its usual shape).
    render_error: fn(u16, &str) -> Response,
}

impl Front {
    pub(crate) fn new(render_error: fn(u16, &str) -> Response) -> Self {
        Self {
            planned: Mutex::default(),
            delays: Mutex::default(),
            down: AtomicBool::new(false),
            down_until: Mutex::new(None),
            log: Mutex::default(),
            render_error,
        }
    }

    pub(crate) fn fail_next(&self, times: usize, status: u16) {
        let mut planned = self.planned.lock().unwrap();
        planned.extend((0..times).map(|_| Planned { status, body: None }));
    }

    pub(crate) fn respond_next(&self, times: usize, status: u16, body: &str) {
        let content_type =
            if serde_json::from_str::<Value>(body).is_ok() { "application/json" } else { "text/html; charset=utf-8" };
        let mut planned = self.planned.lock().unwrap();
        planned.extend((0..times).map(|_| Planned { status, body: Some((content_type, body.to_owned())) }));
    }

    pub(crate) fn delay_next(&self, delay: Duration) {
        self.delays.lock().unwrap().push_back(delay);
    }

    pub(crate) fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        if !down {
            *self.down_until.lock().unwrap() = None;
        }
    }

    pub(crate) fn fail_for(&self, duration: Duration) {
        *self.down_until.lock().unwrap() = Some(Instant::now() + duration);
    }

    pub(crate) fn requests(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    pub(crate) fn request_log(&self) -> Vec<PanelRequest> {
        self.log.lock().unwrap().clone()
    }

    fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst) || self.down_until.lock().unwrap().is_some_and(|until| Instant::now() < until)
    }

    fn record(&self, method: &str, path: &str, headers: &HeaderMap, body: &[u8]) {
        let headers = headers
            .iter()
            .filter(|(name, _)| *name != header::AUTHORIZATION)
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        let body = serde_json::from_slice(body).unwrap_or(Value::Null);
        let request = PanelRequest { method: method.to_owned(), path: path.to_owned(), headers, body };
        self.log.lock().unwrap().push(request);
    }
}

/// Generates the failure-injection methods both fakes expose, documented once.
macro_rules! front_controls {
    ($fake:ty) => {
        impl $fake {
            /// Makes the next `times` requests (any route) answer `status`
            /// without being performed: 5xx from 502 up as the reverse proxy's
            /// HTML page, others in the panel's own JSON error shape. Adds to
            /// what is already planned.
            pub fn fail_next(&self, times: usize, status: u16) {
                self.front.fail_next(times, status);
            }

            /// Makes the next `times` requests answer 200 with an HTML page
            /// (a captive portal, a misrouted URL): an answer no client can read.
            pub fn garbage_next(&self, times: usize) {
                self.respond_next(times, 200, "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>");
            }

            /// Makes the next `times` requests answer exactly `status` and
            /// `body` (sent as JSON if it parses as JSON, else as HTML).
            pub fn respond_next(&self, times: usize, status: u16, body: &str) {
                self.front.respond_next(times, status, body);
            }

            /// Answers every request with 503 (reverse proxy page) for `duration`.
            pub fn fail_for(&self, duration: std::time::Duration) {
                self.front.fail_for(duration);
            }

            /// Takes the panel down (every request 503) or brings it back.
            pub fn set_down(&self, down: bool) {
                self.front.set_down(down);
            }

            /// Holds the next request for `delay` before handling it — to run a
            /// client into its timeout. The request is still carried out
            /// afterwards, as a slow real panel would, even if the client gave up.
            pub fn delay_next(&self, delay: std::time::Duration) {
                self.front.delay_next(delay);
            }

            /// How many requests arrived so far, including failed and refused ones.
            pub fn requests(&self) -> usize {
                self.front.requests()
            }

            /// Every request received so far, in arrival order.
            pub fn request_log(&self) -> Vec<$crate::panels::PanelRequest> {
                self.front.request_log()
            }
        }
    };
}
pub(crate) use front_controls;

/// The middleware applying [`Front`] before the fake's own handler.
async fn front(State(front): State<Arc<Front>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 4 << 20).await.unwrap_or_default();
    let path = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    front.record(parts.method.as_str(), &path, &parts.headers, &body);
    if front.is_down() {
        return proxy_page(503);
    }
    let planned = front.planned.lock().unwrap().pop_front();
    if let Some(planned) = planned {
        return match planned.body {
            Some((content_type, body)) => {
                (status(planned.status), [(header::CONTENT_TYPE, content_type)], body).into_response()
            }
            None if planned.status >= 502 => proxy_page(planned.status),
            None => (front.render_error)(planned.status, parts.uri.path()),
        };
    }
    let delay = front.delays.lock().unwrap().pop_front();
    // In a task of its own: hyper drops a handler whose client hung up, but a
    // real panel finishes what it started. That difference is the case that
    // matters most — a timed-out create that happened anyway.
    let handling = tokio::spawn(async move {
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        next.run(Request::from_parts(parts, Body::from(body))).await
    });
    handling.await.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// nginx's error page, which is what a client meets when the service behind
/// the proxy (a panel, the payment gateway) is down.
pub(crate) fn proxy_page(code: u16) -> Response {
    let status = status(code);
    let title = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("Error"));
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
}

/// A status code from a number a test chose (invalid numbers become 500).
pub(crate) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A handle on the TCP connection a request came in on (request extension
/// through `ConnectInfo`), to hang up without answering as Remnawave does.
#[derive(Clone)]
pub(crate) struct Connection {
    hung_up: Arc<AtomicBool>,
}

impl Connection {
    /// From now on the connection neither reads nor writes: the answer being
    /// prepared is discarded and the socket closed, so the client sees the
    /// connection end with zero bytes.
    pub(crate) fn hang_up(&self) {
        self.hung_up.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that can be cut by [`Connection::hang_up`].
pub(crate) struct HangUpStream {
    inner: TcpStream,
    hung_up: Arc<AtomicBool>,
}

impl AsyncRead for HangUpStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.hung_up.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for HangUpStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.hung_up.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionAborted.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A TCP listener whose connections are [`HangUpStream`]s.
pub(crate) struct HangUpListener(TcpListener);

impl Listener for HangUpListener {
    type Io = HangUpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => return (HangUpStream { inner, hung_up: Arc::default() }, addr),
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, HangUpListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, HangUpListener>) -> Self {
        Self { hung_up: stream.io().hung_up.clone() }
    }
}

/// Serves `router` behind `front` on an ephemeral port of 127.0.0.1.
pub(crate) async fn serve(router: Router, front: Arc<Front>) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fake panel");
    let addr = listener.local_addr().expect("local addr");
    let app = router.layer(middleware::from_fn_with_state(front, self::front));
    let server = tokio::spawn(async move {
        axum::serve(HangUpListener(listener), app.into_make_service_with_connect_info::<Connection>())
            .await
            .expect("fake panel server");
    });
    (addr, server)
}

/// The path's segments, percent-decoded (usernames are data).
pub(crate) fn segments(path: &str) -> Vec<String> {
    path.trim_matches('/').split('/').filter(|s| !s.is_empty()).map(percent_decode).collect()
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The bearer token of a request, if it has one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The request body as a JSON value; `None` when it is not JSON.
pub(crate) fn json_body(body: &Bytes) -> Option<Value> {
    if body.is_empty() { Some(Value::Object(Default::default())) } else { serde_json::from_slice(body).ok() }
}

/// Now, unix seconds.
pub(crate) fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

const DAYS_IN_MONTH: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn month_days(year: i64, month: usize) -> i64 {
    if month == 1 && is_leap(year) { 29 } else { DAYS_IN_MONTH[month] }
}

/// Unix seconds as `2025-01-17T15:38:45.000Z` (JavaScript's `toISOString`),
/// or `YYYY-MM-DDTHH:MM:SS` without offset (Python's naive UTC datetimes)
/// when `javascript` is false. Counts years and months one by one: slow,
/// obviously right, and unlike the client's arithmetic.
pub(crate) fn format_time(unix: i64, javascript: bool) -> String {
    let mut days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let mut year = 1970;
    loop {
        let len = if is_leap(year) { 366 } else { 365 };
        if days < 0 {
            year -= 1;
            days += if is_leap(year) { 366 } else { 365 };
        } else if days >= len {
            days -= len;
            year += 1;
        } else {
            break;
        }
    }
    let mut month = 0;
    while days >= month_days(year, month) {
        days -= month_days(year, month);
        month += 1;
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let text = format!("{year:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}", month + 1, days + 1);
    if javascript { format!("{text}.000Z") } else { text }
}

/// Parses what zod's `datetime({ offset: true, local: true })` accepts:
/// `YYYY-MM-DDTHH:MM:SS`, optional fraction, optional `Z` or `±HH:MM`.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let mut date_parts = date.split('-');
    let year: i64 = date_parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let month: usize = date_parts.next().filter(|m| m.len() == 2)?.parse().ok()?;
    let day: i64 = date_parts.next().filter(|d| d.len() == 2)?.parse().ok()?;
    if date_parts.next().is_some() || !(1..=12).contains(&month) || day < 1 || day > month_days(year, month - 1) {
        return None;
    }
    let (clock, offset) = match time.find(['Z', '+', '-']) {
        Some(i) if &time[i..] == "Z" => (&time[..i], 0),
        Some(i) => {
            let (sign, zone) = time[i..].split_at(1);
            let (h, m) = zone.split_once(':')?;
            let minutes = h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?;
            (&time[..i], if sign == "+" { minutes * 60 } else { -minutes * 60 })
        }
        None => (time, 0),
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) { "invalid" } else { whole }
    });
    let mut clock_parts = clock.split(':');
    let h: i64 = clock_parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
    let m: i64 = clock_parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
    let s: i64 = clock_parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
    if clock_parts.next().is_some() || h > 23 || m > 59 || s > 59 {
        return None;
    }
    let mut days = 0;
    if year >= 1970 {
        days += (1970..year).map(|y| if is_leap(y) { 366 } else { 365 }).sum::<i64>();
    } else {
        days -= (year..1970).map(|y| if is_leap(y) { 366 } else { 365 }).sum::<i64>();
    }
    days += (0..month - 1).map(|mo| month_days(year, mo)).sum::<i64>() + day - 1;
    Some(days * 86_400 + h * 3600 + m * 60 + s - offset)
}

/// A random version-4 UUID, lower-case.
pub(crate) fn uuid() -> String {
    let mut b: [u8; 16] = rand::thread_rng().r#gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Whether `text` has the shape of a UUID.
pub(crate) fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `len` random characters of `[A-Za-z0-9]`.
pub(crate) fn random_string(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// A JWT-looking token (three base64url parts), as both panels issue.
pub(crate) fn jwt_like() -> String {
    format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.{}", random_string(48), random_string(43))
}

/// FastAPI's error body, `{"detail": …}`, with `code` (Marzban, PasarGuard, Marzneshin).
pub(crate) fn detail(code: u16, detail: impl Into<serde_json::Value>) -> Response {
    (status(code), axum::Json(serde_json::json!({ "detail": detail.into() }))).into_response()
}

/// The admin of a FastAPI panel: the OAuth2 password-form login and the
/// access tokens it issued.
pub(crate) struct FormAdmin {
    pub(crate) username: String,
    pub(crate) password: String,
    tokens: Mutex<std::collections::HashSet<String>>,
}

impl FormAdmin {
    pub(crate) fn new(username: &str, password: &str) -> Self {
        Self { username: username.to_owned(), password: password.to_owned(), tokens: Mutex::default() }
    }

    /// `POST …/token`: a password form (`missing()` answers one without its
    /// fields, a JSON body included) for a new bearer token.
    pub(crate) fn login(&self, body: &Bytes, missing: fn() -> Response) -> Response {
        let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let (Some(username), Some(password)) = (field("username"), field("password")) else { return missing() };
        if username != self.username || password != self.password {
            return detail(401, "Incorrect username or password");
        }
        let token = jwt_like();
        self.tokens.lock().unwrap().insert(token.clone());
        axum::Json(serde_json::json!({"access_token": token, "token_type": "bearer"})).into_response()
    }

    /// Whether the request carries a token this admin was issued.
    pub(crate) fn admits(&self, headers: &HeaderMap) -> bool {
        bearer(headers).is_some_and(|token| self.tokens.lock().unwrap().contains(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        assert_eq!(format_time(0, true), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_time(1_737_128_325, true), "2025-01-17T15:38:45.000Z");
        assert_eq!(format_time(951_782_400, false), "2000-02-29T00:00:00");
        assert_eq!(format_time(-1, true), "1969-12-31T23:59:59.000Z");
        assert_eq!(parse_time("2025-01-17T15:38:45.065Z"), Some(1_737_128_325));
        assert_eq!(parse_time("2025-01-17T18:38:45+03:00"), Some(1_737_128_325));
        assert_eq!(parse_time("2025-01-17T15:38:45"), Some(1_737_128_325));
        assert_eq!(parse_time("1969-12-31T23:59:59Z"), Some(-1));
        for bad in ["2025-02-30T00:00:00Z", "2025-01-17", "2025-01-17T15:38:45.Z", "17/01/2025"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn ids_have_their_shapes() {
        assert!(is_uuid(&uuid()));
        assert!(!is_uuid("not-a-uuid"));
        assert_eq!(random_string(16).len(), 16);
        assert_eq!(segments("/api/user/a%20b/"), vec!["api", "user", "a b"]);
    }
}
