//! Bazar's client for the Zarinpal payment gateway (REST API v4).
//!
//! A payment goes through four steps:
//! 1. [`Zarinpal::request`] registers it (`POST /pg/v4/payment/request.json`)
//!    and gets an [`Authority`], the gateway's id for this payment session.
//! 2. The customer's browser goes to [`Zarinpal::start_pay_url`]
//!    (`/pg/StartPay/{authority}`), pays (or cancels) on the gateway's page, and
//!    is sent back to the callback URL with `?Authority=…&Status=OK|NOK`.
//! 3. [`Zarinpal::verify`] (`POST /pg/v4/payment/verify.json`) settles it. The
//!    callback's `Status` is only a hint from the browser: the payment counts
//!    only once verify says [`Verification::Paid`]. Verifying again is safe
//!    (Zarinpal answers code 101 with the same `ref_id`), so a verify that
//!    timed out is simply repeated. An unverified payment is refunded to the
//!    customer by Zarinpal after a while, so verify promptly.
//! 4. [`Zarinpal::unverified`] (`POST /pg/v4/payment/unVerified.json`) lists
//!    payments the customer completed but nobody verified (a callback that
//!    never arrived): the reconciliation job verifies those.
//!
//! The merchant id ([`MerchantId`]) is a secret of the tenant: it travels only
//! in request bodies, and neither its `Debug` output nor any error text
//! contains it. The base URL is the caller's ([`PRODUCTION_BASE`],
//! [`SANDBOX_BASE`], or a fake's in tests: `bazar_testkit::zarinpal`).
//!
//! Errors say what to do next: [`ZarinpalError::is_retryable`] separates
//! "try again later" (unreachable, timeout, 5xx, unreadable answer) from a
//! refusal by the gateway that will not change by itself.

mod client;
mod error;
mod types;

pub use client::{DEFAULT_TIMEOUT, PRODUCTION_BASE, SANDBOX_BASE, Zarinpal};
pub use error::{InvalidValue, ZarinpalError};
pub use types::{Authority, Currency, MerchantId, PaymentRequest, Requested, Unverified, Verification};
