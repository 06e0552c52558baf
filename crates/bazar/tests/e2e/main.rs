//! Bazar end to end, in one test binary: the real `bazar` against a fresh
//! database (SQLite and the throwaway PostgreSQL), the fake Telegram, fake
//! and real VPN panels. One binary links once; each module is one area.

mod api_walk;
mod architecture;
#[macro_use]
mod helpers;

mod admin_isolation;
mod admin_menus;
mod admin_panel;
mod admin_stats;
mod admin_team;
mod admin_texts;
mod api;
mod api_catalog;
mod api_contract;
mod api_customers;
mod api_fuzz;
mod api_isolation;
mod api_platform;
mod broadcast;
mod cli_bots;
mod cli_payments;
mod cli_shop;
mod master_bot;
mod one_rule;
mod panel_health;
mod payments;
mod readme;
mod real_panel;
mod restarts;
mod serve;
mod storefront;
mod telegram_runtime;
mod walk_away;
