//! The HTTP client: one method per Zarinpal endpoint, and the reading of
//! Zarinpal's `{"data": …, "errors": …}` envelopes.

use crate::{Authority, Currency, MerchantId, PaymentRequest, Requested, Unverified, Verification, ZarinpalError};
use reqwest::header::ACCEPT;
use serde_json::{Map, Value, json};
use std::fmt;
use std::time::Duration;
use url::Url;

/// Zarinpal's production gateway.
pub const PRODUCTION_BASE: &str = "https://payment.zarinpal.com";

/// Zarinpal's sandbox: any well-formed merchant id works, nothing is charged.
pub const SANDBOX_BASE: &str = "https://sandbox.zarinpal.com";

/// The per-request timeout [`Zarinpal::new`] sets: connecting, sending and
/// reading the whole answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest gateway message kept in an error (Zarinpal's are one sentence).
const MAX_MESSAGE_LEN: usize = 500;

/// A client of one Zarinpal deployment (production, sandbox or a fake).
/// Cheap to clone; the merchant id is given per call, so one client serves
/// every tenant.
#[derive(Clone)]
pub struct Zarinpal {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
}

impl fmt::Debug for Zarinpal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the origin: a configured base URL could carry credentials.
        f.debug_struct("Zarinpal")
            .field("base", &self.base.origin().ascii_serialization())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What an API call returned: `data` of a success, or the code and message
/// of a refusal (from `errors`, or a non-success code inside `data`).
enum Answer {
    Data(Map<String, Value>),
    Refused { code: i64, message: String },
}

impl Zarinpal {
    /// A client of the gateway at `base` ([`PRODUCTION_BASE`], [`SANDBOX_BASE`]
    /// or a fake's URL; an http(s) URL, a path prefix is kept), sending
    /// through `client` (share the process's client to share its connection
    /// pool). Every request gets a [`DEFAULT_TIMEOUT`] of its own, which
    /// replaces any timeout configured on `client`; see [`Self::with_timeout`].
    pub fn new(client: reqwest::Client, base: Url) -> Self {
        Self { http: client, base, timeout: DEFAULT_TIMEOUT }
    }

    /// Replaces the per-request timeout (tests use short ones).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Opens a payment session (`request.json`). On success the customer
    /// must be sent to [`Self::start_pay_url`] of the returned authority.
    ///
    /// A refusal is [`ZarinpalError::Gateway`]: -9 for invalid input (an
    /// amount under the minimum, a bad callback URL or mobile number), -10
    /// for an unknown merchant id (or a server IP the merchant did not
    /// allow), -11 for an inactive merchant, -12 for too many attempts.
    pub async fn request(&self, merchant: &MerchantId, req: &PaymentRequest) -> Result<Requested, ZarinpalError> {
        let mut metadata = Map::new();
        for (key, value) in [("mobile", &req.mobile), ("email", &req.email), ("order_id", &req.order_id)] {
            if let Some(value) = value {
                metadata.insert(key.to_owned(), Value::String(value.clone()));
            }
        }
        let mut body = json!({
            "merchant_id": merchant.expose(),
            "amount": req.amount,
            "currency": req.currency.as_str(),
            "description": req.description,
            "callback_url": req.callback_url.as_str(),
        });
        if !metadata.is_empty() {
            body["metadata"] = Value::Object(metadata);
        }
        let data = match self.call(merchant, "request.json", &body).await? {
            Answer::Data(data) => data,
            Answer::Refused { code, message } => return Err(ZarinpalError::Gateway { code, message }),
        };
        let authority = data
            .get("authority")
            .and_then(Value::as_str)
            .ok_or_else(|| ZarinpalError::Decode("request: the answer has no authority".into()))?;
        let authority = Authority::parse(authority)
            .map_err(|_| ZarinpalError::Decode("request: the authority has an unexpected shape".into()))?;
        let fee = data.get("fee").and_then(as_i64).unwrap_or(0);
        Ok(Requested { authority, fee })
    }

    /// Where to send the customer's browser to pay: `{base}/pg/StartPay/{authority}`.
    pub fn start_pay_url(&self, authority: &Authority) -> Url {
        self.endpoint(&["pg", "StartPay", authority.as_str()])
    }

    /// Verifies (settles) a payment (`verify.json`). `amount` and `currency`
    /// must be those of the request: a different amount is
    /// [`Verification::AmountMismatch`], never `Paid`. Safe to repeat:
    /// after a success Zarinpal answers code 101 with the same `ref_id`
    /// ([`Verification::Paid`] with `already_verified`).
    ///
    /// `currency` is sent along although Zarinpal documents only
    /// `merchant_id`, `amount` and `authority` for verify; it keeps the
    /// amount's unit explicit for a gateway that reads it.
    ///
    /// -51 (not paid, cancelled, refused by the bank) and -54 (unknown
    /// authority) are [`Verification::NotPaid`]; every other refusal (-9
    /// validation, -10/-11 merchant, -53 another merchant's payment, -52
    /// internal error) is [`ZarinpalError::Gateway`], since it says nothing
    /// certain about the payment.
    pub async fn verify(
        &self,
        merchant: &MerchantId,
        amount: i64,
        currency: Currency,
        authority: &Authority,
    ) -> Result<Verification, ZarinpalError> {
        let body = json!({
            "merchant_id": merchant.expose(),
            "amount": amount,
            "currency": currency.as_str(),
            "authority": authority.as_str(),
        });
        let data = match self.call(merchant, "verify.json", &body).await? {
            Answer::Data(data) => data,
            Answer::Refused { code: -50, .. } => return Ok(Verification::AmountMismatch),
            Answer::Refused { code: code @ (-51 | -54), message } => {
                return Ok(Verification::NotPaid { code, message });
            }
            Answer::Refused { code, message } => return Err(ZarinpalError::Gateway { code, message }),
        };
        let already_verified = data.get("code").and_then(as_i64) == Some(101);
        let ref_id = data
            .get("ref_id")
            .and_then(as_i64)
            .ok_or_else(|| ZarinpalError::Decode("verify: a successful answer has no ref_id".into()))?;
        let card_pan = data.get("card_pan").and_then(Value::as_str).map(str::trim).filter(|p| !p.is_empty());
        let fee = data.get("fee").and_then(as_i64).unwrap_or(0);
        Ok(Verification::Paid { ref_id, card_pan: card_pan.map(str::to_owned), fee, already_verified })
    }

    /// The merchant's payments completed by their customers but not verified
    /// yet (`unVerified.json`; Zarinpal returns at most the latest 100).
    /// Entries whose authority is malformed are left out, with a warning.
    pub async fn unverified(&self, merchant: &MerchantId) -> Result<Vec<Unverified>, ZarinpalError> {
        let body = json!({ "merchant_id": merchant.expose() });
        let data = match self.call(merchant, "unVerified.json", &body).await? {
            Answer::Data(data) => data,
            Answer::Refused { code, message } => return Err(ZarinpalError::Gateway { code, message }),
        };
        let entries = match data.get("authorities") {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(entries)) => entries,
            Some(_) => return Err(ZarinpalError::Decode("unVerified: authorities is not a list".into())),
        };
        let mut list = Vec::with_capacity(entries.len());
        for entry in entries {
            let authority = entry.get("authority").and_then(Value::as_str).and_then(|a| Authority::parse(a).ok());
            let amount = entry.get("amount").and_then(as_i64);
            match (authority, amount) {
                (Some(authority), Some(amount)) => list.push(Unverified { authority, amount }),
                _ => tracing::warn!("Zarinpal listed an unverified payment without a usable authority or amount"),
            }
        }
        Ok(list)
    }

    /// `base` + the given path segments (percent-encoded as needed), without
    /// the base's query or fragment.
    fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.set_query(None);
        url.set_fragment(None);
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// POSTs `body` to `/pg/v4/payment/{method}` and reads the envelope.
    async fn call(&self, merchant: &MerchantId, method: &str, body: &Value) -> Result<Answer, ZarinpalError> {
        let url = self.endpoint(&["pg", "v4", "payment", method]);
        let request = self.http.post(url).timeout(self.timeout).header(ACCEPT, "application/json").json(body);
        let response = request.send().await.map_err(|e| transport(method, e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| transport(method, e))?;
        tracing::debug!(method, status, "Zarinpal answered");
        read_answer(method, status, &bytes, merchant)
    }
}

/// Sorts an HTTP answer into data, a refusal or an error.
///
/// Zarinpal sends its error envelope with a 4xx status as well as with 200,
/// so the envelope is read whatever the status; only 5xx and answers without
/// an envelope are judged by their status.
fn read_answer(method: &str, status: u16, body: &[u8], merchant: &MerchantId) -> Result<Answer, ZarinpalError> {
    let success = (200..300).contains(&status);
    if status >= 500 {
        return Err(ZarinpalError::Status(status));
    }
    let Ok(Value::Object(envelope)) = serde_json::from_slice::<Value>(body) else {
        return Err(if success {
            ZarinpalError::Decode(format!("{method}: the answer (HTTP {status}) is not a JSON object"))
        } else {
            ZarinpalError::Status(status)
        });
    };
    if let Some(errors) = envelope.get("errors").and_then(Value::as_object).filter(|e| !e.is_empty()) {
        let Some(code) = errors.get("code").and_then(as_i64) else {
            return Err(ZarinpalError::Decode(format!("{method}: an error without a code (HTTP {status})")));
        };
        let mut message = errors.get("message").and_then(Value::as_str).unwrap_or_default().trim().to_owned();
        let details = validations(errors.get("validations"));
        if !details.is_empty() {
            message = if message.is_empty() { details } else { format!("{message} ({details})") };
        }
        return Ok(Answer::Refused { code, message: clean(&message, merchant) });
    }
    if !success {
        return Err(ZarinpalError::Status(status));
    }
    let Some(Value::Object(data)) = envelope.get("data") else {
        return Err(ZarinpalError::Decode(format!("{method}: the answer has neither data nor errors")));
    };
    match data.get("code").and_then(as_i64) {
        Some(100 | 101) => Ok(Answer::Data(data.clone())),
        Some(code) => {
            let message = data.get("message").and_then(Value::as_str).unwrap_or_default();
            Ok(Answer::Refused { code, message: clean(message, merchant) })
        }
        None => Err(ZarinpalError::Decode(format!("{method}: the answer has no code"))),
    }
}

/// Zarinpal's validation details, `field: problem; …`. They come as a list
/// of `{field: problem}` objects, or as one object (problems as text or lists).
fn validations(value: Option<&Value>) -> String {
    fn text(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().filter_map(text).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
            _ => None,
        }
    }
    let objects: Vec<&Map<String, Value>> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(object)) => vec![object],
        _ => Vec::new(),
    };
    objects
        .into_iter()
        .flat_map(|object| object.iter().filter_map(|(field, problem)| Some(format!("{field}: {}", text(problem)?))))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A gateway message fit for errors and logs: the merchant id masked
/// wherever it appears (in any case), and the length bounded.
fn clean(message: &str, merchant: &MerchantId) -> String {
    let secret = merchant.expose().to_ascii_lowercase();
    let lower = message.to_ascii_lowercase();
    let mut out = String::with_capacity(message.len());
    let mut rest = 0;
    // ASCII lower-casing keeps byte offsets, so positions in `lower` are valid in `message`.
    while let Some(found) = lower[rest..].find(&secret) {
        out.push_str(&message[rest..rest + found]);
        out.push_str("***");
        rest += found + secret.len();
    }
    out.push_str(&message[rest..]);
    if out.len() > MAX_MESSAGE_LEN {
        let mut end = MAX_MESSAGE_LEN;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push('…');
    }
    out
}

/// A transport failure, described without its URL.
fn transport(method: &str, error: reqwest::Error) -> ZarinpalError {
    ZarinpalError::Transport(format!("{method}: {}", bazar_outbound::describe_transport_error(error)))
}

/// A JSON integer, also when written as a string (`"code": "100"` in
/// Zarinpal's own unVerified example) or as a whole float.
fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.is_finite()).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "1344b5d4-0048-11e8-94db-005056a205be";

    fn merchant() -> MerchantId {
        MerchantId::parse(ID).unwrap()
    }

    fn read(status: u16, body: &str) -> Result<Answer, ZarinpalError> {
        read_answer("verify.json", status, body.as_bytes(), &merchant())
    }

    fn refused(answer: Result<Answer, ZarinpalError>) -> (i64, String) {
        match answer {
            Ok(Answer::Refused { code, message }) => (code, message),
            Ok(Answer::Data(data)) => panic!("expected a refusal, got data {data:?}"),
            Err(err) => panic!("expected a refusal, got {err:?}"),
        }
    }

    #[test]
    fn success_envelopes_give_their_data() {
        let body =
            r#"{"data":{"code":100,"message":"Success","authority":"A0","fee_type":"Merchant","fee":0},"errors":[]}"#;
        assert!(matches!(read(200, body), Ok(Answer::Data(d)) if d["authority"] == "A0"));
        let listed = r#"{"data":{"code":"100","message":"Success","authorities":[]}}"#;
        assert!(matches!(read(200, listed), Ok(Answer::Data(_))));
    }

    #[test]
    fn error_envelopes_are_refusals_whatever_the_status() {
        for status in [200, 400, 401, 404, 422] {
            let body = r#"{"data":[],"errors":{"code":-51,"message":"Session is not valid, session is not active paid try.","validations":[]}}"#;
            assert_eq!(
                refused(read(status, body)),
                (-51, "Session is not valid, session is not active paid try.".into())
            );
        }
        let in_data = r#"{"data":{"code":-54,"message":"Invalid authority."},"errors":[]}"#;
        assert_eq!(refused(read(200, in_data)).0, -54);
    }

    #[test]
    fn validation_details_join_the_message() {
        let body = r#"{"data":[],"errors":{"code":-9,"message":"The input params invalid, validation error.",
            "validations":[{"amount":"The amount must be at least 1000."},{"callback_url":["The callback url format is invalid."]}]}}"#;
        let (code, message) = refused(read(422, body));
        assert_eq!(code, -9);
        assert_eq!(
            message,
            "The input params invalid, validation error. (amount: The amount must be at least 1000.; \
             callback_url: The callback url format is invalid.)"
        );
        let as_object = r#"{"data":[],"errors":{"code":-9,"message":"","validations":{"merchant_id":["required"]}}}"#;
        assert_eq!(refused(read(422, as_object)).1, "merchant_id: required");
    }

    #[test]
    fn the_merchant_id_never_reaches_a_message() {
        let upper = ID.to_ascii_uppercase();
        let body = format!(
            r#"{{"data":[],"errors":{{"code":-10,"message":"Terminal {ID} is not valid","validations":[{{"merchant_id":"{upper} unknown"}}]}}}}"#
        );
        let (_, message) = refused(read(200, &body));
        assert_eq!(message, "Terminal *** is not valid (merchant_id: *** unknown)");
        let long = format!(r#"{{"data":{{"code":-12,"message":"{}"}}}}"#, "é".repeat(400));
        assert!(refused(read(200, &long)).1.chars().count() <= MAX_MESSAGE_LEN + 1);
    }

    #[test]
    fn answers_without_an_envelope_are_judged_by_status() {
        let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        assert!(matches!(read(502, page), Err(ZarinpalError::Status(502))));
        assert!(matches!(
            read(503, r#"{"data":[],"errors":{"code":-52,"message":"Oops"}}"#),
            Err(ZarinpalError::Status(503))
        ));
        assert!(matches!(read(404, page), Err(ZarinpalError::Status(404))));
        assert!(matches!(read(403, r#"{"message":"Forbidden"}"#), Err(ZarinpalError::Status(403))));
        assert!(matches!(read(200, page), Err(ZarinpalError::Decode(_))));
        assert!(matches!(read(200, r#"{"data":[],"errors":[]}"#), Err(ZarinpalError::Decode(_))));
        assert!(matches!(read(200, r#"{"data":{"message":"?"}}"#), Err(ZarinpalError::Decode(_))));
        assert!(matches!(read(200, r#"{"errors":{"message":"no code"}}"#), Err(ZarinpalError::Decode(_))));
    }

    #[test]
    fn endpoints_keep_the_base_path() {
        let client = reqwest::Client::new();
        let zp = Zarinpal::new(client.clone(), Url::parse("https://payment.zarinpal.com").unwrap());
        let authority = Authority::parse("A00000000000000000000000000217885159").unwrap();
        assert_eq!(
            zp.start_pay_url(&authority).as_str(),
            "https://payment.zarinpal.com/pg/StartPay/A00000000000000000000000000217885159"
        );
        assert_eq!(
            zp.endpoint(&["pg", "v4", "payment", "verify.json"]).as_str(),
            "https://payment.zarinpal.com/pg/v4/payment/verify.json"
        );
        let prefixed = Zarinpal::new(client, Url::parse("http://127.0.0.1:9/zp/?x=1#f").unwrap());
        assert_eq!(
            prefixed.start_pay_url(&authority).as_str(),
            format!("http://127.0.0.1:9/zp/pg/StartPay/{authority}")
        );
        assert!(!format!("{prefixed:?}").contains("/zp"));
    }

    #[test]
    fn integers_are_read_leniently() {
        assert_eq!(as_i64(&json!(100)), Some(100));
        assert_eq!(as_i64(&json!("101")), Some(101));
        assert_eq!(as_i64(&json!(-51.0)), Some(-51));
        assert_eq!(as_i64(&json!(1.5)), None);
        assert_eq!(as_i64(&json!(null)), None);
    }
}
