//! Bazar's storage layer.
//!
//! One schema on two backends (SQLite by default, PostgreSQL for production),
//! reached through `sqlx`'s `Any` driver so every query is written once.
//!
//! # Tenancy
//! Every tenant-scoped function takes a [`TenantScope`] (or a [`TenantTx`] opened
//! from one). A `TenantScope` has no public constructor: it is handed out only by
//! * [`Store::resolve_active_bot`] / [`Platform::active_bots`] — the Telegram
//!   runtime resolving active bots for incoming updates,
//! * [`Store::authenticate_api_token`] — the REST API's bearer-token extractor,
//! * [`Platform::tenant`] — an explicit platform path (CLI, master bot) that names
//!   the tenant it acts on and needs a [`PlatformScope`] to do so.
//!
//! A `PlatformScope` has no public constructor either: the binary's `main`
//! claims the [`CompositionRoot`] once per process, makes the scope from it
//! and hands it down (see `root.rs`).
//!
//! There is no "all tenants" variant of a tenant function; platform-wide reads
//! live on [`Platform`]. On PostgreSQL each tenant transaction also sets
//! `app.bot_id` transaction-locally, and row-level security policies refuse
//! every row of other tenants (see `migrations/postgres`).

mod admins;
mod api_tokens;
mod backend;
mod bots;
mod broadcast_deliveries;
mod broadcasts;
mod cards;
mod clock;
mod config;
mod conversation;
mod customers;
mod daily_summaries;
mod error;
mod flags;
mod gateways;
mod inbox;
mod installation;
mod job_secrets;
mod jobs;
mod ledger;
mod migrate;
mod notices;
mod onboarding;
mod panel_health;
mod panels;
mod payments;
mod plans;
mod platform;
mod promos;
mod referrals;
mod root;
mod row;
mod settings;
mod stats;
mod store;
mod subscriptions;
mod tenancy;
mod tenant;
mod tickets;

pub use admins::Admin;
pub use api_tokens::{ApiTokenInfo, AuthError};
pub use backend::{Backend, Database, DatabaseOptions, redact_url};
pub use bots::{ActiveBot, BotRecord, NewBot, RemovalImpact, ResolveError, ResolvedBot};
pub use broadcast_deliveries::{BatchClaim, DeliveryOutcome, DeliveryTarget};
pub use broadcasts::{
    Audience, AudienceSize, Broadcast, BroadcastButton, BroadcastCounts, BroadcastMessage, BroadcastStatus,
    NewBroadcast,
};
pub use cards::{CardUpdate, NewCard, PaymentCard};
pub use customers::{Customer, CustomerContact, CustomerSearch};
pub use error::StoreError;
pub use gateways::ZarinpalAccount;
pub use inbox::{PendingUpdate, UpdateOutcome, redact_update};
pub use jobs::{Job, JobEnd};
pub use ledger::{EntryKind, LedgerEntry, Mismatch, Posting};
pub use onboarding::{NewOnboarding, Onboarding, OnboardingRequest, OnboardingStatus};
pub use panel_health::{DOWN_AFTER, HealthChange, PanelHealth};
pub use panels::{NewPanel, PanelRecord, TenantPanel};
pub use payments::{NewPayment, Payment, PaymentEvent, PaymentFilter, PaymentMethod, PaymentStatus};
pub use plans::{NewPlan, Plan, PlanUpdate};
pub use platform::{BotCounts, BotFigures, Platform, PlatformStats, RevenueTotal, SuspendedBot};
pub use promos::{NewPromo, Promo, PromoRefusal, PromoUpdate};
pub use referrals::ReferralStats;
pub use settings::TenantSettings;
pub use stats::{DayCount, DayRevenue, MethodRevenue, TenantStats};
pub use subscriptions::{
    Created, NewSubscription, Subscription, SubscriptionCounts, SubscriptionFilter, SubscriptionStatus,
};

/// Upper bound for a settings write made by another process to be seen here.
pub fn settings_ttl() -> std::time::Duration {
    settings::CROSS_PROCESS_TTL
}
/// The tenant id every scope is made of, re-exported so a user of the store
/// (and its compile-fail proofs) names the same type the store was built with.
pub use bazar_domain::BotId;
pub use root::{CompositionRoot, RootClaimed};
pub use store::Store;
pub use tenancy::{PlatformScope, PlatformTx, TenantScope, TenantTx};
pub use tenant::Tenant;
pub use tickets::{Ticket, TicketMessage, TicketStatus, TicketSummary};
