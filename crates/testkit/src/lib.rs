//! Test doubles for Bazar. Dev-only: nothing in production depends on this crate.
//!
//! * [`telegram::FakeTelegram`] — the Telegram Bot API on 127.0.0.1, speaking
//!   the real protocol (`/bot{token}/{method}`, `{"ok":…}` envelopes), with
//!   updates (long polling and webhooks), recorded messages, flood limits and
//!   failure injection; [`telegram::updates`] builds the updates users cause.
//! * [`postgres::PgCluster`] — a throwaway PostgreSQL cluster started from the
//!   installed binaries, with an owner role and a non-superuser application role.
//! * [`sqlite_url`] — a fresh SQLite file in a temporary directory.
//! * [`zarinpal::FakeZarinpal`] — the Zarinpal payment gateway (REST v4):
//!   payment requests, StartPay, verify (100, then 101) and unVerified, with
//!   the customer's payment or cancellation driven by the test, and failure
//!   injection.
//!
//! No test of the project touches the network beyond 127.0.0.1.

pub mod panels;
pub mod postgres;
pub mod telegram;
pub mod zarinpal;

use tempfile::TempDir;

/// A fresh SQLite database URL in its own temporary directory (kept alive by the returned guard).
pub fn sqlite_url() -> (String, TempDir) {
    let dir = tempfile::tempdir().expect("create temp dir");
    let url = format!("sqlite://{}", dir.path().join("bazar.db").display());
    (url, dir)
}
