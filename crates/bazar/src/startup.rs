//! `bazar serve`: build the application, bind, serve until SIGINT/SIGTERM.

use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_http::{AppState, install_metrics_recorder, router};
use bazar_store::{PlatformScope, redact_url};
use secrecy::ExposeSecret;

/// Runs the platform until a shutdown signal, then drains in-flight requests.
pub async fn serve(config: Config) -> Result<(), CliError> {
    let store = open_store(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| CliError::input(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener.local_addr()?;
    let platform = PlatformScope::for_operator();
    let bots = store.platform(&platform).list_bots().await?;
    let active = bots.iter().filter(|b| b.status == bazar_domain::BotStatus::Active).count();
    tracing::info!(
        %addr,
        database = %redact_url(config.database_url.expose_secret()),
        bots = bots.len(),
        active,
        public_url = config.public_url.as_ref().map(|u| u.as_str()).unwrap_or("(none)"),
        "bazar is serving"
    );
    let state = AppState { store: store.clone(), metrics: install_metrics_recorder() };
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await?;
    store.database().close().await;
    tracing::info!("bazar stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
