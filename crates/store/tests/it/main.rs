//! The store's tests in one binary (one link): every body on SQLite and on
//! PostgreSQL, the tenancy walls, row-level security, secrets at rest.

#[macro_use]
mod common;

mod broadcasts;
mod jobs;
mod master_platform;
mod panel_health;
mod registry;
mod row_level_security;
mod secrets_at_rest;
mod settings;
mod tenancy;
mod wallet;
mod writer_recovery;
