//! The REST API through the real binary: authentication, the error shape, the
//! OpenAPI document and its docs page, tokens revoked mid-session.

use crate::helpers;

use helpers::Platform;
use serde_json::Value;

const PLATFORM_TOKEN: &str = "platform-token-0123456789abcdef0123456789abcdef";

async fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn authentication_and_errors(p: Platform) {
    let (id, api_token) = p.add_shop(9301, "api_shop_bot", &[]).await;
    let mut p = p;
    p.env.push(("BAZAR_PLATFORM_API_TOKEN".into(), PLATFORM_TOKEN.into()));
    let server = p.serve_process(false).await;
    let base = format!("{}/api/v1", server.url());

    let (status, me) = get(&format!("{base}/me"), Some(&api_token)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"].to_string(), id);
    assert_eq!(me["flags"]["card_to_card"], true);

    for token in [None, Some("bzr_not-a-token"), Some(PLATFORM_TOKEN)] {
        let (status, body) = get(&format!("{base}/me"), token).await;
        assert_eq!(status, 401, "{token:?}: {body}");
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    let (status, body) = get(&format!("{base}/no-such-route"), Some(&api_token)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
    let response = reqwest::Client::new().delete(format!("{base}/me")).bearer_auth(&api_token).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "method_not_allowed");

    // The document and the docs page.
    let (status, doc) = get(&format!("{base}/openapi.json"), None).await;
    assert_eq!(status, 200);
    assert!(doc["paths"]["/api/v1/me"]["get"].is_object(), "{doc}");
    let page = reqwest::get(format!("{base}/docs")).await.unwrap().text().await.unwrap();
    assert!(page.contains("openapi.json") && !page.contains("https://cdn"), "works offline");

    // Past the tenant's budget: 429 with Retry-After, per token.
    p.run(&["config", "set", &id, "api_rate_limit_per_minute", "5"]).await.ok();
    tokio::time::sleep(std::time::Duration::from_millis(3_200)).await; // the settings cache's cross-process TTL
    let mut limited = None;
    for _ in 0..8 {
        let response = reqwest::Client::new().get(format!("{base}/me")).bearer_auth(&api_token).send().await.unwrap();
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the sixth request in a minute is refused");
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.json::<Value>().await.unwrap()["error"]["code"], "rate_limited");

    // Revoked mid-session: the next request is refused; a suspended tenant is 403.
    let rotated = p.run(&["bot", "rotate-api-token", &id, "--json"]).await;
    let new_token =
        serde_json::from_str::<Value>(rotated.ok().stdout.trim()).unwrap()["api_token"].as_str().unwrap().to_owned();
    assert_eq!(get(&format!("{base}/me"), Some(&api_token)).await.0, 401);
    assert_eq!(get(&format!("{base}/me"), Some(&new_token)).await.0, 200);
    p.run(&["bot", "suspend", &id]).await.ok();
    let (status, body) = get(&format!("{base}/me"), Some(&new_token)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("tenant_inactive")));
    let logs = server.stop().await;
    assert!(!logs.contains(&new_token) && !logs.contains(PLATFORM_TOKEN), "tokens never reach the log");
}

#[tokio::test]
async fn authentication_and_errors_on_sqlite() {
    authentication_and_errors(Platform::sqlite().await).await;
}

#[tokio::test]
async fn authentication_and_errors_on_postgres() {
    if let Some(p) = Platform::postgres().await {
        authentication_and_errors(p).await;
    }
}
