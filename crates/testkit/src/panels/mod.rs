//! Fake VPN panels on 127.0.0.1, speaking the real HTTP APIs so that
//! `bazar-panels` (and everything above it) is exercised as in production.
//!
//! * [`FakeRemnawave`] — Remnawave 2.x (or 3.x): API token, `{"response": …}`
//!   envelopes, users under `/api/users`, the reverse-proxy header check.
//! * [`FakeMarzban`] — Marzban 0.8.4: admin login and expiring tokens, users
//!   under `/api/user/{username}`, relative subscription links.
//! * [`FakePasarGuard`] — PasarGuard 5.2: Marzban's users API with inbounds
//!   through `group_ids`, 201/204 answers, ISO expiry in answers.
//! * [`FakeMarzneshin`] — Marzneshin: `/api/users` with services, an expiry
//!   strategy repeated on every PUT, enable/disable routes.
//! * [`FakeXui`] — 3x-ui up to v3.0: a session cookie (404 without one),
//!   clients inside inbounds with `settings` as a JSON string, the
//!   subscription server on `{subPath}{subId}`.
//! * [`FakeHiddify`] — Hiddify's API v2: `Hiddify-API-Key`, users by uuid
//!   (listed, 404 when none), floats of GiB, start date plus days.
//!
//! * [`RealMarzban`] — not a fake: the real Marzban 0.8.4 from the panel
//!   kit, for contract tests that run the same scenario against the fake
//!   and the real panel, so the fake cannot drift from it unnoticed.
//!
//! Both fakes keep users in memory with the panel's rules (unique usernames,
//! status transitions, link revocation) and sit behind a scriptable "reverse
//! proxy" that injects failures: `fail_next`, `garbage_next`,
//! `respond_next`, `fail_for` / `set_down` (503 pages), `delay_next` (to
//! provoke client timeouts), with every request counted and recorded
//! ([`PanelRequest`]).

pub(crate) mod common;
mod hiddify;
mod marzban;
mod marzneshin;
mod pasarguard;
pub mod real;
mod remnawave;
mod xui;

pub use common::PanelRequest;
pub use hiddify::FakeHiddify;
pub use marzban::FakeMarzban;
pub use marzneshin::FakeMarzneshin;
pub use pasarguard::FakePasarGuard;
pub use real::{RealMarzban, RealPasarGuard, marzban_bearer, marzneshin_bearer};
pub use remnawave::{FakeRemnawave, RemnawaveVersion};
pub use xui::FakeXui;
