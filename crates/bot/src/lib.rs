//! Bazar's bot conversations.
//!
//! [`CustomerBot`] is the [`bazar_runtime::Handler`] every tenant bot runs: it
//! routes an update (command, button press, text) to a screen, answers in the
//! customer's language, and keeps the chat's menu generation in the
//! conversation state so stale buttons are recognised.
//!
//! Architecture invariant: this crate never constructs a scope; it works only
//! with the `TenantScope` and transaction the runtime hands it.

mod admin;
mod admin_chat;
pub mod callback;
mod chart;
mod clock;
mod context;
mod daily_summary;
mod failed;
mod flow;
mod give_up;
mod handler;
pub mod i18n;
mod jobs;
mod menu;
mod panel_connect;
mod panel_health;
mod payment_jobs;
mod payments;
mod qr;
mod route;
mod shop_screens;
mod state;
mod support;
mod untrusted;

pub use context::CustomerBot;
