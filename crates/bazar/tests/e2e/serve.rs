//! `bazar serve` as a process: health, metrics, the error shape, graceful stop.

use crate::helpers;

use helpers::Platform;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn serve_health_metrics_and_stop(mut p: Platform) {
    let token = p.telegram.add_bot(9001, "served_bot");
    p.run(&["bot", "add", "--token", &token]).await.ok();
    let port = free_port();
    p.env.push(("BAZAR_LISTEN".into(), format!("127.0.0.1:{port}")));
    p.env.push(("BAZAR_LOG_FORMAT".into(), "json".into()));
    p.env.retain(|(k, _)| k != "RUST_LOG");
    p.env.push(("RUST_LOG".into(), "info".into()));
    let mut child = p.command(&["serve"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    let deadline = Instant::now() + Duration::from_secs(20);
    let health = loop {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            break r;
        }
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["database"], "ok");

    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    assert!(text.contains("bazar_bots{status=\"active\"} 1"), "{text}");
    assert!(text.contains("bazar_http_requests_total"), "{text}");

    let missing = http.get(format!("{base}/nope")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    let pid = child.id().to_string();
    // SIGHUP reloads the settings cache and keeps serving.
    assert!(std::process::Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while http.get(format!("{base}/healthz")).send().await.map(|r| r.status()).ok() != Some(reqwest::StatusCode::OK) {
        assert!(Instant::now() < deadline, "not serving after SIGHUP");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await; // the signal is handled on another task
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no graceful stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs).unwrap();
    let lines: Vec<serde_json::Value> = logs.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(lines.iter().any(|l| l["message"] == "bazar is serving"), "structured JSON logs: {logs}");
    assert!(lines.iter().any(|l| l["message"] == "bazar stopped"), "{logs}");
    assert!(lines.iter().any(|l| l["message"] == "settings reloaded (SIGHUP)"), "{logs}");
    assert!(!logs.contains(token.split(':').nth(1).unwrap()), "token in logs");
}

on_both_backends!(serve_health_metrics_and_stop);
