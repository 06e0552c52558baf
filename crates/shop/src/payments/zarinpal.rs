//! Zarinpal v4: the payment row is created in the customer's update; a job
//! asks the gateway for an authority and sends the StartPay link; the
//! gateway's callback (and, if it never comes, a reconciliation job)
//! verifies with the stored amount and credits once by the authority.

use super::{MethodLimits, Settlement, close, fiat_payment, payment_minutes, settle};
use crate::clock::now_ms;
use bazar_domain::jobs::PaymentJob;
use bazar_domain::{Charge, Currency, CustomerId, JobKind, Money, PaymentId, PlanId};
use bazar_store::{
    Job, JobEnd, Payment, PaymentMethod, PaymentStatus, Store, StoreError, TenantScope, TenantSettings, TenantTx,
};
use bazar_zarinpal::{Authority, MerchantId, PaymentRequest, Verification, Zarinpal};
use std::time::Duration;
use url::Url;

/// Where the gateway lives and how patient we are with it.
#[derive(Debug, Clone)]
pub struct ZarinpalOptions {
    /// Production API base (`https://payment.zarinpal.com`).
    pub api_url: Url,
    /// Sandbox API base (`https://sandbox.zarinpal.com`).
    pub sandbox_url: Url,
    /// Our public base URL; the gateway sends customers back to `{public_url}/pay/zarinpal/…`.
    pub public_url: Option<Url>,
    /// How long after the request a payment without a callback is verified by a job.
    pub reconcile_after: Duration,
}

/// The Zarinpal side of payments, shared by the bot's jobs and the callback route.
pub struct ZarinpalGateway {
    store: Store,
    production: Zarinpal,
    sandbox: Zarinpal,
    options: ZarinpalOptions,
}

/// How asking to pay through Zarinpal ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZarinpalStart {
    /// The payment exists; its link follows in a moment (from the `zarinpal_request` job).
    Started(Payment),
    /// The amount is outside the tenant's limits.
    OutOfRange(MethodLimits),
    /// The platform has no public URL for the gateway to return to.
    NoPublicUrl,
}

/// What a `zarinpal_request` job produced, for the bot to tell the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// Pay at `url`.
    Ready {
        /// The payment.
        payment: Payment,
        /// The StartPay link.
        url: Url,
    },
    /// The gateway refused; the payment is closed as failed (the customer is told by its notice).
    Refused,
    /// The gateway is unreachable; retried.
    Retrying,
    /// Nothing to do.
    Skipped,
}

/// What a callback did, for the page shown to the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// Credited now or before.
    Paid(Payment),
    /// The customer cancelled, or the gateway says it was not paid.
    NotPaid(Payment),
    /// The gateway could not be asked; the reconciliation job will.
    Checking(Payment),
    /// No such payment, or the authority does not match it: nothing done.
    Unknown,
}

impl ZarinpalGateway {
    /// A gateway using `http` for its requests.
    pub fn new(store: Store, http: reqwest::Client, options: ZarinpalOptions) -> Self {
        Self {
            production: Zarinpal::new(http.clone(), options.api_url.clone()),
            sandbox: Zarinpal::new(http, options.sandbox_url.clone()),
            store,
            options,
        }
    }

    /// Creates a Zarinpal payment in the customer's transaction and queues its request.
    pub async fn start(
        &self,
        tx: &mut TenantTx,
        settings: &TenantSettings,
        customer: CustomerId,
        amount: Money,
        plan: Option<(PlanId, Option<String>)>,
    ) -> Result<ZarinpalStart, StoreError> {
        if self.options.public_url.is_none() {
            return Ok(ZarinpalStart::NoPublicUrl);
        }
        let limits = MethodLimits::of(settings, PaymentMethod::Zarinpal);
        if !limits.allows(amount) {
            return Ok(ZarinpalStart::OutOfRange(limits));
        }
        let expires_at = now_ms() + payment_minutes(settings) * 60_000;
        let new = fiat_payment(customer, PaymentMethod::Zarinpal, amount, plan, None, expires_at);
        let payment = tx.create_payment(&new).await?;
        tx.enqueue_job(&JobKind::ZarinpalRequest(PaymentJob { payment: payment.id }), 0).await?;
        Ok(ZarinpalStart::Started(payment))
    }

    /// Whether customers can be sent back here after paying (a public URL is
    /// configured); without one Zarinpal is not offered.
    pub fn can_return(&self) -> bool {
        self.options.public_url.is_some()
    }

    fn client(&self, sandbox: bool) -> &Zarinpal {
        if sandbox { &self.sandbox } else { &self.production }
    }

    async fn account(&self, scope: &TenantScope) -> Result<Option<(MerchantId, bool)>, StoreError> {
        let Some(account) = self.store.tenant(scope).zarinpal().await? else { return Ok(None) };
        match MerchantId::parse(secrecy::ExposeSecret::expose_secret(&account.merchant_id)) {
            Ok(merchant) => Ok(Some((merchant, account.sandbox))),
            Err(_) => Err(StoreError::Corrupt("the stored Zarinpal merchant id does not parse".into())),
        }
    }

    /// The `zarinpal_request` job: asks the gateway for an authority, stores
    /// it, and schedules the reconciliation.
    pub async fn request(&self, scope: &TenantScope, job: &Job, args: &PaymentJob) -> Result<Requested, StoreError> {
        let tenant = self.store.tenant(scope);
        let payment_id = args.payment;
        let mut tx = tenant.begin_read().await?;
        let payment = tx.payment(payment_id).await?;
        tx.commit().await?;
        let Some(payment) = payment.filter(|p| p.status == PaymentStatus::Pending && p.authority.is_none()) else {
            return self.finish(scope, job, JobEnd::Done).await.map(|()| Requested::Skipped);
        };
        let Some((merchant, sandbox)) = self.account(scope).await? else {
            let mut tx = tenant.begin().await?;
            let open = [PaymentStatus::Pending];
            close(&mut tx, payment.id, &open, PaymentStatus::Failed, "system", Some("Zarinpal is not configured"))
                .await?;
            tx.finish_job(job.id, &JobEnd::Done).await?;
            tx.commit().await?;
            return Ok(Requested::Refused);
        };
        let Some(callback_url) = self.callback_url(scope, payment.id) else {
            return self
                .finish(scope, job, JobEnd::Failed { error: "no public URL".into() })
                .await
                .map(|()| Requested::Refused);
        };
        let (amount, currency) = gateway_amount(&payment)?;
        let request = PaymentRequest {
            amount,
            currency,
            description: format!("Payment {}", payment.tracking_code),
            callback_url,
            mobile: None,
            email: None,
            order_id: Some(payment.tracking_code.clone()),
        };
        match self.client(sandbox).request(&merchant, &request).await {
            Ok(requested) => {
                let mut tx = tenant.begin().await?;
                tx.set_payment_authority(payment.id, requested.authority.as_str(), requested.fee).await?;
                tx.payment_event(payment.id, PaymentStatus::Pending, Some("zarinpal"), Some("authority issued"))
                    .await?;
                let check_at = now_ms() + self.options.reconcile_after.as_millis() as i64;
                let reconcile = JobKind::ZarinpalReconcile(PaymentJob { payment: payment.id });
                tx.enqueue_job(&reconcile, check_at).await?;
                tx.finish_job(job.id, &JobEnd::Done).await?;
                let payment = tx.payment(payment.id).await?.ok_or(StoreError::Corrupt("payment vanished".into()))?;
                tx.commit().await?;
                let url = self.client(sandbox).start_pay_url(&requested.authority);
                Ok(Requested::Ready { payment, url })
            }
            Err(e) if e.is_retryable() && job.attempts < 5 => {
                tracing::warn!(bot_id = %scope.bot_id(), payment = %payment.id, error = %e, "Zarinpal request failed; retrying");
                let run_at = now_ms() + 2_000 * i64::from(1u32 << job.attempts.min(10));
                self.finish(scope, job, JobEnd::Retry { run_at, error: e.to_string() })
                    .await
                    .map(|()| Requested::Retrying)
            }
            Err(e) => {
                tracing::warn!(bot_id = %scope.bot_id(), payment = %payment.id, error = %e, "Zarinpal refused the request");
                let mut tx = tenant.begin().await?;
                let note = e.to_string();
                close(&mut tx, payment.id, &[PaymentStatus::Pending], PaymentStatus::Failed, "zarinpal", Some(&note))
                    .await?;
                tx.finish_job(job.id, &JobEnd::Done).await?;
                tx.commit().await?;
                Ok(Requested::Refused)
            }
        }
    }

    async fn finish(&self, scope: &TenantScope, job: &Job, end: JobEnd) -> Result<(), StoreError> {
        let mut tx = self.store.tenant(scope).begin().await?;
        tx.finish_job(job.id, &end).await?;
        tx.commit().await
    }

    fn callback_url(&self, scope: &TenantScope, payment: PaymentId) -> Option<Url> {
        let base = self.options.public_url.as_ref()?;
        let base = base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}/pay/zarinpal/{}/{payment}", scope.bot_id())).ok()
    }

    /// The customer came back from the gateway. Nothing is trusted from the
    /// callback but the authority's match with the stored one: the payment
    /// is verified with the gateway, for the stored amount.
    pub async fn callback(
        &self,
        scope: &TenantScope,
        payment_id: PaymentId,
        authority: &str,
        status_ok: bool,
    ) -> Result<CallbackOutcome, StoreError> {
        let tenant = self.store.tenant(scope);
        let mut tx = tenant.begin_read().await?;
        let payment = tx.payment(payment_id).await?;
        tx.commit().await?;
        let Some(payment) = payment.filter(|p| {
            p.method == PaymentMethod::Zarinpal && p.authority.as_deref() == Some(authority) && !authority.is_empty()
        }) else {
            return Ok(CallbackOutcome::Unknown);
        };
        if payment.status == PaymentStatus::Paid {
            return Ok(CallbackOutcome::Paid(payment));
        }
        if !status_ok {
            let mut tx = tenant.begin().await?;
            close(
                &mut tx,
                payment.id,
                &[PaymentStatus::Pending],
                PaymentStatus::Failed,
                "customer",
                Some("cancelled at the gateway"),
            )
            .await?;
            let payment = tx.payment(payment.id).await?.unwrap_or(payment);
            tx.commit().await?;
            return Ok(CallbackOutcome::NotPaid(payment));
        }
        self.verify_and_settle(scope, payment, "zarinpal-callback", true).await
    }

    /// Verifies `payment` with the gateway and credits it once if paid. An
    /// unpaid one is closed as failed only when `close_unpaid` (the customer
    /// is back from the gateway); the reconciliation keeps waiting instead.
    async fn verify_and_settle(
        &self,
        scope: &TenantScope,
        payment: Payment,
        actor: &str,
        close_unpaid: bool,
    ) -> Result<CallbackOutcome, StoreError> {
        let Some((merchant, sandbox)) = self.account(scope).await? else {
            return Ok(CallbackOutcome::Checking(payment));
        };
        let Some(authority) = payment.authority.as_deref().and_then(|a| Authority::parse(a).ok()) else {
            return Ok(CallbackOutcome::Unknown);
        };
        let (amount, currency) = gateway_amount(&payment)?;
        let verification = self.client(sandbox).verify(&merchant, amount, currency, &authority).await;
        let tenant = self.store.tenant(scope);
        match verification {
            Ok(Verification::Paid { ref_id, card_pan, fee, already_verified }) => {
                let settings = tenant.settings().await?;
                let mut tx = tenant.begin().await?;
                tx.set_payment_verification(payment.id, &ref_id.to_string(), card_pan.as_deref(), fee).await?;
                let note = format!("ref_id {ref_id}{}", if already_verified { " (already verified)" } else { "" });
                let percent = crate::payments::referral_percent(&settings);
                let settled = settle(&mut tx, payment.id, actor, Some(&note), percent).await?;
                let now = tx.payment(payment.id).await?.unwrap_or(payment);
                tx.commit().await?;
                Ok(match settled {
                    Settlement::Credited { .. } | Settlement::AlreadyPaid => CallbackOutcome::Paid(now),
                    Settlement::Closed(_) => CallbackOutcome::NotPaid(now),
                })
            }
            Ok(Verification::NotPaid { .. }) if !close_unpaid => Ok(CallbackOutcome::Checking(payment)),
            Ok(Verification::NotPaid { code, message }) => {
                let note = format!("not paid ({code}: {message})");
                self.mark_failed(scope, payment, &note).await
            }
            Ok(Verification::AmountMismatch) => {
                tracing::warn!(bot_id = %scope.bot_id(), payment = %payment.id, "Zarinpal says the amount differs; not crediting");
                self.mark_failed(scope, payment, "the paid amount differs from the payment's").await
            }
            Err(e) => {
                tracing::warn!(bot_id = %scope.bot_id(), payment = %payment.id, error = %e, "Zarinpal verify failed; the reconciliation job will retry");
                Ok(CallbackOutcome::Checking(payment))
            }
        }
    }

    async fn mark_failed(
        &self,
        scope: &TenantScope,
        payment: Payment,
        note: &str,
    ) -> Result<CallbackOutcome, StoreError> {
        let mut tx = self.store.tenant(scope).begin().await?;
        close(&mut tx, payment.id, &[PaymentStatus::Pending], PaymentStatus::Failed, "zarinpal", Some(note)).await?;
        let now = tx.payment(payment.id).await?.unwrap_or(payment);
        tx.commit().await?;
        Ok(CallbackOutcome::NotPaid(now))
    }

    /// The `zarinpal_reconcile` job: a payment still pending (its callback never came,
    /// or the process died between verifying and crediting) is verified
    /// again; a verified one is credited once, an unpaid one is retried until
    /// it expires.
    pub async fn reconcile(&self, scope: &TenantScope, job: &Job, args: &PaymentJob) -> Result<(), StoreError> {
        let tenant = self.store.tenant(scope);
        let payment_id = args.payment;
        let mut tx = tenant.begin_read().await?;
        let payment = tx.payment(payment_id).await?;
        tx.commit().await?;
        let Some(payment) =
            payment.filter(|p| p.method == PaymentMethod::Zarinpal && p.status == PaymentStatus::Pending)
        else {
            return self.finish(scope, job, JobEnd::Done).await;
        };
        let expires_at = payment.expires_at;
        let outcome = self.verify_and_settle(scope, payment.clone(), "zarinpal-reconcile", false).await?;
        let end = match outcome {
            CallbackOutcome::Paid(_) | CallbackOutcome::Unknown => JobEnd::Done,
            CallbackOutcome::NotPaid(p) if p.status != PaymentStatus::Pending => JobEnd::Done,
            _ if now_ms() >= expires_at => {
                let mut tx = tenant.begin().await?;
                let open = [PaymentStatus::Pending];
                close(&mut tx, payment.id, &open, PaymentStatus::Expired, "system", Some("not paid in time")).await?;
                tx.finish_job(job.id, &JobEnd::Done).await?;
                return tx.commit().await;
            }
            _ => {
                let run_at = now_ms() + self.options.reconcile_after.as_millis() as i64;
                JobEnd::Retry { run_at, error: "not verified yet".into() }
            }
        };
        self.finish(scope, job, end).await
    }
}

/// What the customer pays through the gateway, in the gateway's terms.
fn gateway_amount(payment: &Payment) -> Result<(i64, bazar_zarinpal::Currency), StoreError> {
    let Charge::Money(amount) = payment.charge else {
        return Err(StoreError::Corrupt(format!("Zarinpal payment {} is not charged in money", payment.id)));
    };
    let currency = match amount.currency() {
        Currency::Irr => bazar_zarinpal::Currency::Irr,
        Currency::Irt => bazar_zarinpal::Currency::Irt,
    };
    Ok((amount.minor(), currency))
}
