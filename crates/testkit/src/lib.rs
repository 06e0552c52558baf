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

/// A Luhn-valid 16-digit card number starting with the 15 digits given, for
/// tests of card-to-card payments.
pub fn card_number(prefix15: &str) -> String {
    assert!(prefix15.len() == 15 && prefix15.bytes().all(|b| b.is_ascii_digit()), "15 digits, got {prefix15:?}");
    let mut sum = 0;
    // The check digit will be rightmost, so the prefix's last digit is doubled.
    for (i, d) in prefix15.bytes().rev().map(|b| u32::from(b - b'0')).enumerate() {
        let v = if i % 2 == 0 { d * 2 } else { d };
        sum += if v > 9 { v - 9 } else { v };
    }
    format!("{prefix15}{}", (10 - sum % 10) % 10)
}
