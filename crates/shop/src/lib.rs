//! The storefront's use cases, shared by the bot, the API and jobs.
//!
//! * [`buy`] — pay for a plan from the wallet and create the subscription in
//!   the caller's one transaction, and queue its provisioning.
//! * [`start_trial`] — the free trial, once per customer (the database decides).
//! * [`Provisioner`] — the `provision` job: creates the user on the tenant's
//!   panel (idempotently, by a user name derived from the subscription id),
//!   retries with backoff while the panel is unavailable, and when it finally
//!   gives up, refunds the payment once and reports it.
//! * [`lifecycle`] — reminders before a subscription ends and its expiry,
//!   scheduled as jobs when it goes live.

pub mod admin_ops;
pub mod admins;
pub mod cards;
mod clock;
pub mod daily_summary;
pub mod drift;
pub mod lifecycle;
pub mod own_panel;
pub mod panel_health;
pub mod payments;
pub mod plans;
pub mod promo;
pub mod promos;
mod provision;
mod purchase;
pub mod refusal;
mod renew;
pub mod reset_link;
pub mod tickets;

pub use provision::{ProvisionOutcome, Provisioner, ProvisionerOptions};
pub use purchase::{BuyOutcome, Purchase, TrialOutcome, buy, start_trial};
pub use renew::{RenewOutcome, renew};
