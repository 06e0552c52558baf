//! Fake VPN panels on 127.0.0.1, speaking the real HTTP APIs so that
//! `bazar-panels` (and everything above it) is exercised as in production.
//!
//! * [`FakeRemnawave`] — Remnawave 2.x (or 3.x): API token, `{"response": …}`
//!   envelopes, users under `/api/users`, the reverse-proxy header check.
//! * [`FakeMarzban`] — Marzban 0.8.4: admin login and expiring tokens, users
//!   under `/api/user/{username}`, relative subscription links.
//!
//! Both keep users in memory with the panel's rules (unique usernames,
//! status transitions, link revocation) and sit behind a scriptable "reverse
//! proxy" that injects failures: `fail_next`, `garbage_next`,
//! `respond_next`, `fail_for` / `set_down` (503 pages), `delay_next` (to
//! provoke client timeouts), with every request counted and recorded
//! ([`PanelRequest`]).

pub(crate) mod common;
mod marzban;
mod remnawave;

pub use common::PanelRequest;
pub use marzban::FakeMarzban;
pub use remnawave::{FakeRemnawave, RemnawaveVersion};
