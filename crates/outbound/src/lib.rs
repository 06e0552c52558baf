//! What Bazar's HTTP adapters share when they call other services (VPN
//! panels, payment gateways).
//!
//! A URL may carry a secret (a token in the path, a key in the query), so an
//! error text never includes one: [`describe_transport_error`] strips it and
//! keeps the part a person can act on, the chain of causes.

use std::error::Error as _;

/// A failed request as one line — "no answer in time", or the error and its
/// causes (e.g. "error sending request: client error (Connect): tcp connect
/// error: Connection refused") — never its URL.
pub fn describe_transport_error(error: reqwest::Error) -> String {
    if error.is_timeout() {
        return "no answer in time".to_owned();
    }
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_url_and_its_secrets_stay_out() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let error = reqwest::get(format!("http://127.0.0.1:{port}/bot123:SECRET/getMe")).await.unwrap_err();
        let text = describe_transport_error(error);
        assert!(!text.contains("SECRET") && !text.contains("127.0.0.1"), "{text}");
        assert!(text.to_lowercase().contains("connect"), "{text}");
    }
}
