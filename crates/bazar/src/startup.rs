//! `bazar serve`: build the application, bind, serve until SIGINT/SIGTERM.

use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_bot::CustomerBot;
use bazar_http::api::ApiState;
use bazar_http::{AppState, install_metrics_recorder, router, zarinpal_callback};
use bazar_runtime::{Mode, Runtime, RuntimeOptions};
use bazar_shop::payments::zarinpal::{ZarinpalGateway, ZarinpalOptions};
use bazar_store::{PlatformScope, redact_url};
use bazar_telegram::BotApi;
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;

/// Runs the platform until a shutdown signal, then drains in-flight requests.
/// SIGHUP reloads the cached tenant settings and follows the bots table at
/// once (after `bazar config set` or `bazar bot disable` next to a running
/// server, say).
pub async fn serve(config: Config, platform: PlatformScope) -> Result<(), CliError> {
    let app = Application::build(config, platform).await?;
    let reload = app.hooks();
    // Registered before serving: an unhandled SIGHUP would end the process.
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let hangups = tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            reload.settings();
            reload.bots().await;
            tracing::info!("settings reloaded (SIGHUP)");
        }
    });
    let result = app.run_until(shutdown_signal()).await;
    hangups.abort();
    result
}

/// The explicit hooks into a running application that a test (or the
/// operator's SIGHUP) uses instead of waiting out a cache's lifetime or a
/// refresh interval: reload what it caches, and see what is still in flight.
#[derive(Clone)]
pub struct Hooks {
    store: bazar_store::Store,
    runtime: Runtime,
}

impl Hooks {
    /// Every tenant's settings are read afresh at their next use.
    pub fn settings(&self) {
        self.store.reload_settings();
    }

    /// The bots table is followed now (bots added, suspended, resumed,
    /// disabled), not at the next refresh tick; returns once applied.
    pub async fn bots(&self) {
        self.runtime.follow_bots_now().await;
    }

    /// Updates accepted and not yet handled (their replies are queued once handled).
    pub fn queued_updates(&self) -> usize {
        self.runtime.queued_updates()
    }

    /// Replies and other Bot API calls queued and not yet sent.
    pub fn pending_sends(&self) -> usize {
        self.runtime.pending_sends()
    }
}

/// The platform, built and bound but not yet serving: what `bazar serve`
/// runs, and what tests start in-process (zero2prod's `Application`), so they
/// learn the bound port before the first request.
pub struct Application {
    listener: tokio::net::TcpListener,
    port: u16,
    store: bazar_store::Store,
    runtime: Runtime,
    /// Loops that run beside the runtime (daily summaries, panel probes), stopped with it.
    background: Vec<tokio::task::JoinHandle<()>>,
    app: axum::Router,
}

impl Application {
    /// Checks the configuration, opens (and migrates) the store, binds
    /// `listen`, and starts the bot runtime. `platform` (from `main`'s
    /// composition root) goes to the runtime, the provisioners, the master
    /// bot, the daily summaries and the platform API.
    pub async fn build(config: Config, platform: PlatformScope) -> Result<Self, CliError> {
        let summary_hour = check(&config)?;
        let Some(node) = config.node_id() else {
            return Err(CliError::input("node_id must be 1-100 characters without `/`"));
        };
        let store = open_store(&config).await?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| CliError::input(format!("cannot listen on {}: {e}", config.listen)))?;
        let addr = listener.local_addr()?;
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
        let metrics = install_metrics_recorder();
        let mode = match &config.public_url {
            Some(url) => Mode::Webhook { public_url: url.as_str().to_owned() },
            None => Mode::Polling,
        };
        let api = BotApi::new(config.telegram_api_url.as_str());
        let provisioner = crate::context::provisioner(&config, &store, platform.clone());
        let zarinpal = Arc::new(ZarinpalGateway::new(
            store.clone(),
            reqwest::Client::new(),
            ZarinpalOptions {
                api_url: config.zarinpal_api_url.clone(),
                sandbox_url: config.zarinpal_sandbox_url.clone(),
                public_url: config.public_url.clone(),
                reconcile_after: Duration::from_millis(config.zarinpal_reconcile_ms.max(100)),
            },
        ));
        let handler = Arc::new(CustomerBot::new(provisioner, zarinpal.clone(), api.clone(), platform.clone()));
        let mut options = RuntimeOptions::new(mode);
        options.node = node;
        let runtime = Runtime::start(store.clone(), platform.clone(), api, options, handler).await?;
        let mut background = Vec::new();
        if let Some(hour) = summary_hour {
            let every = Duration::from_secs(60);
            background.push(tokio::spawn(bazar_shop::daily_summary::run(store.clone(), platform.clone(), hour, every)));
        }
        if config.panel_check_ms > 0 {
            let probes = Arc::new(crate::context::provisioner(&config, &store, platform.clone()));
            let every = Duration::from_millis(config.panel_check_ms.max(100));
            background.push(tokio::spawn(bazar_shop::panel_health::run(probes, every)));
        }
        let state = AppState { store: store.clone(), platform: platform.clone(), metrics };
        let api = ApiState::new(
            store.clone(),
            platform.clone(),
            config.platform_api_token.as_ref(),
            BotApi::new(config.telegram_api_url.as_str()),
            Arc::new(crate::context::provisioner(&config, &store, platform)),
        );
        let app = router(state)
            .merge(runtime.router())
            .merge(zarinpal_callback::router(store.clone(), zarinpal))
            .merge(bazar_http::api::router(api));
        Ok(Self { listener, port: addr.port(), store, runtime, background, app })
    }

    /// The hooks into this application (reload its caches, see what is in flight).
    pub fn hooks(&self) -> Hooks {
        Hooks { store: self.store.clone(), runtime: self.runtime.clone() }
    }

    /// The bound port (`listen` may ask for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves, then stops taking requests, finishes
    /// the updates already accepted and sends what they produced.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), CliError> {
        let Self { listener, store, runtime, background, app, .. } = self;
        axum::serve(listener, app).with_graceful_shutdown(shutdown).await?;
        for task in background {
            task.abort();
        }
        runtime.shutdown(Duration::from_secs(10)).await;
        store.database().close().await;
        tracing::info!("bazar stopped");
        Ok(())
    }
}

/// The configuration checks `serve` makes before touching anything; the
/// daily summaries' hour, when they are on.
fn check(config: &Config) -> Result<Option<u8>, CliError> {
    if config.platform_api_token.as_ref().is_some_and(|t| t.expose_secret().trim().len() < 32) {
        return Err(CliError::input("platform_api_token must be at least 32 characters (try `openssl rand -hex 32`)"));
    }
    match config.daily_summary_hour {
        -1 => Ok(None),
        hour @ 0..=23 => Ok(Some(hour as u8)),
        _ => Err(CliError::input("daily_summary_hour must be an hour of the day, 0-23 (Tehran time), or -1 for off")),
    }
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
