//! Payments: one row per attempt to pay, created before the customer is shown
//! where to pay, moved through its statuses by conditional updates (so a
//! decision is taken once, whatever races), with every move in its history.

use crate::clock::now_ms;
use crate::row::get_money;
use crate::{Backend, StoreError, TenantTx};
use bazar_domain::{CardId, Charge, CustomerId, Money, PaymentId, PlanId, TelegramUserId};
pub use bazar_domain::{PaymentMethod, PaymentStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Row id.
    pub id: PaymentId,
    /// Who pays.
    pub customer_id: CustomerId,
    /// How.
    pub method: PaymentMethod,
    /// Where it stands.
    pub status: PaymentStatus,
    /// What the customer pays (Stars for Stars).
    pub charge: Charge,
    /// What the wallet receives, in the tenant's currency.
    pub credit: Money,
    /// A plan to buy once credited.
    pub plan_id: Option<PlanId>,
    /// A promo code for that purchase.
    pub promo: Option<String>,
    /// Card-to-card: the card shown.
    pub card_id: Option<CardId>,
    /// Short code the customer and admins quote.
    pub tracking_code: String,
    /// When an unpaid payment closes itself (unix ms).
    pub expires_at: i64,
    /// Card-to-card: Telegram file id of the receipt photo.
    pub receipt_file_id: Option<String>,
    /// Card-to-card: the receipt's text (tracking number, note).
    pub receipt_text: Option<String>,
    /// Zarinpal: the authority of the request.
    pub authority: Option<String>,
    /// Zarinpal: the reference id of the verified payment.
    pub ref_id: Option<String>,
    /// Zarinpal: the payer's card, masked by the gateway.
    pub card_pan: Option<String>,
    /// Zarinpal: the gateway's fee.
    pub fee: Option<i64>,
    /// Stars: Telegram's charge id.
    pub charge_id: Option<String>,
    /// Telegram user id of the admin who decided.
    pub decided_by: Option<TelegramUserId>,
    /// Why it was rejected or failed.
    pub reason: Option<String>,
    /// Created (unix ms).
    pub created_at: i64,
}

/// A payment to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// Who pays.
    pub customer_id: CustomerId,
    /// How.
    pub method: PaymentMethod,
    /// What the customer pays.
    pub charge: Charge,
    /// What the wallet receives.
    pub credit: Money,
    /// A plan to buy once credited.
    pub plan_id: Option<PlanId>,
    /// A promo code for that purchase.
    pub promo: Option<String>,
    /// Card-to-card: the card shown.
    pub card_id: Option<CardId>,
    /// When it closes itself if unpaid.
    pub expires_at: i64,
}

/// One step of a payment's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    /// The status entered.
    pub status: PaymentStatus,
    /// Who moved it (`customer`, `admin:123`, `zarinpal`, `telegram`, `system`, `operator`).
    pub actor: Option<String>,
    /// Why, or what came with it.
    pub note: Option<String>,
    /// When (unix ms).
    pub created_at: i64,
}

/// Filters for listing payments.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    /// Only this status.
    pub status: Option<PaymentStatus>,
    /// Only this method.
    pub method: Option<PaymentMethod>,
    /// Only this customer.
    pub customer: Option<CustomerId>,
}

const COLUMNS: &str = "id, customer_id, method, status, amount, pay_currency, credit, currency, plan_id, promo, card_id, \
     tracking_code, expires_at, receipt_file_id, receipt_text, authority, ref_id, card_pan, fee, charge_id, \
     decided_by, reason, created_at";

fn get_charge(row: &AnyRow) -> Result<Charge, StoreError> {
    let code: String = row.try_get("pay_currency")?;
    Charge::from_parts(row.try_get("amount")?, &code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_row(row: &AnyRow) -> Result<Payment, StoreError> {
    let method: String = row.try_get("method")?;
    let status: String = row.try_get("status")?;
    Ok(Payment {
        id: PaymentId::from_raw(row.try_get("id")?),
        customer_id: CustomerId::from_raw(row.try_get("customer_id")?),
        method: PaymentMethod::parse(&method).ok_or_else(|| StoreError::Corrupt(format!("payment method {method}")))?,
        status: PaymentStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("payment status {status}")))?,
        charge: get_charge(row)?,
        credit: get_money(row, "credit", "currency")?,
        plan_id: row.try_get::<Option<i64>, _>("plan_id")?.map(PlanId::from_raw),
        promo: row.try_get("promo")?,
        card_id: row.try_get::<Option<i64>, _>("card_id")?.map(CardId::from_raw),
        tracking_code: row.try_get("tracking_code")?,
        expires_at: row.try_get("expires_at")?,
        receipt_file_id: row.try_get("receipt_file_id")?,
        receipt_text: row.try_get("receipt_text")?,
        authority: row.try_get("authority")?,
        ref_id: row.try_get("ref_id")?,
        card_pan: row.try_get("card_pan")?,
        fee: row.try_get("fee")?,
        charge_id: row.try_get("charge_id")?,
        decided_by: row.try_get::<Option<i64>, _>("decided_by")?.map(TelegramUserId::from_raw),
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
    })
}

impl TenantTx {
    /// Creates a payment (status `pending`) with a fresh tracking code. A
    /// second open card-to-card payment of the same customer is refused by
    /// the database as [`StoreError::Conflict`].
    pub async fn create_payment(&mut self, new: &NewPayment) -> Result<Payment, StoreError> {
        let (amount, pay_currency) = new.charge.parts();
        if amount <= 0 || !new.credit.is_positive() {
            return Err(StoreError::InvalidInput("a payment's amount must be greater than zero"));
        }
        let now = now_ms();
        // Tracking codes are per tenant; a clash of 8 random characters is
        // retried. `ON CONFLICT DO NOTHING` (not a caught error) because a
        // failed statement aborts a PostgreSQL transaction.
        for _ in 0..4 {
            // No 0/O or 1/I: people read these codes aloud and type them.
            let code = bazar_secrets::random_code(b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ", 8);
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO payments (bot_id, customer_id, method, status, amount, pay_currency, credit, currency, \
                 plan_id, promo, card_id, tracking_code, expires_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(self.bot())
            .bind(new.customer_id.get())
            .bind(new.method.as_str())
            .bind(amount)
            .bind(pay_currency)
            .bind(new.credit.minor())
            .bind(new.credit.code())
            .bind(new.plan_id.map(PlanId::get))
            .bind(new.promo.as_deref())
            .bind(new.card_id.map(CardId::get))
            .bind(&code)
            .bind(new.expires_at)
            .bind(now)
            .fetch_optional(self.conn())
            .await?;
            if let Some(id) = inserted.map(PaymentId::from_raw) {
                self.payment_event(id, PaymentStatus::Pending, Some("customer"), None).await?;
                return self.payment(id).await?.ok_or(StoreError::Corrupt("a new payment vanished".into()));
            }
            if new.method == PaymentMethod::Card && self.open_card_payment(new.customer_id).await?.is_some() {
                return Err(StoreError::Conflict("the customer already has an open card-to-card payment"));
            }
        }
        Err(StoreError::Conflict("could not draw a unique tracking code"))
    }

    /// One payment of this tenant.
    pub async fn payment(&mut self, id: PaymentId) -> Result<Option<Payment>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE bot_id = $1 AND id = $2"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// One payment, locked until the transaction ends (`FOR UPDATE` on
    /// PostgreSQL; SQLite's write transactions are serialised already), so a
    /// decision reads the status it changes.
    pub async fn payment_for_update(&mut self, id: PaymentId) -> Result<Option<Payment>, StoreError> {
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE bot_id = $1 AND id = $2 {lock}"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The customer's open card-to-card payment, if any.
    pub async fn open_card_payment(&mut self, customer: CustomerId) -> Result<Option<Payment>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM payments WHERE bot_id = $1 AND customer_id = $2 AND method = 'card' \
             AND status IN ('pending', 'submitted')"
        ))
        .bind(self.bot())
        .bind(customer.get())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The payment a Zarinpal authority belongs to.
    pub async fn payment_by_authority(&mut self, authority: &str) -> Result<Option<Payment>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE bot_id = $1 AND authority = $2"))
            .bind(self.bot())
            .bind(authority)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The payment holding a Telegram Stars charge id, if any.
    pub async fn payment_by_charge(&mut self, charge_id: &str) -> Result<Option<Payment>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE bot_id = $1 AND charge_id = $2"))
            .bind(self.bot())
            .bind(charge_id)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Payments, newest first.
    pub async fn payments(
        &mut self,
        filter: &PaymentFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Payment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM payments WHERE bot_id = $1 AND (CAST($2 AS TEXT) IS NULL OR status = $2) \
             AND (CAST($3 AS TEXT) IS NULL OR method = $3) AND (CAST($4 AS BIGINT) IS NULL OR customer_id = $4) ORDER BY id DESC LIMIT $5 OFFSET $6"
        ))
        .bind(self.bot())
        .bind(filter.status.map(PaymentStatus::as_str))
        .bind(filter.method.map(PaymentMethod::as_str))
        .bind(filter.customer.map(CustomerId::get))
        .bind(limit.clamp(1, 500))
        .bind(offset.max(0))
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Open amounts on a card today, to pick a unique suffix for a new one.
    pub async fn open_amounts_on_card(&mut self, card: CardId) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT amount FROM payments WHERE bot_id = $1 AND card_id = $2 AND status IN ('pending', 'submitted')",
        )
        .bind(self.bot())
        .bind(card.get())
        .fetch_all(self.conn())
        .await?)
    }

    /// Moves a payment from one of `from` to `to`, once: `false` when it was
    /// not in one of `from` (someone else decided first, or it expired).
    pub async fn transition_payment(
        &mut self,
        id: PaymentId,
        from: &[PaymentStatus],
        to: PaymentStatus,
        actor: &str,
        note: Option<&str>,
    ) -> Result<bool, StoreError> {
        let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let decided_by = actor.strip_prefix("admin:").and_then(|id| id.parse::<i64>().ok());
        let reason = matches!(to, PaymentStatus::Rejected | PaymentStatus::Failed | PaymentStatus::Expired)
            .then_some(note)
            .flatten();
        let changed = sqlx::query(&format!(
            "UPDATE payments SET status = $1, updated_at = $2, decided_by = COALESCE($3, decided_by), \
             reason = COALESCE($4, reason) WHERE bot_id = $5 AND id = $6 AND status IN ({})",
            allowed.join(", ")
        ))
        .bind(to.as_str())
        .bind(now_ms())
        .bind(decided_by)
        .bind(reason)
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        self.payment_event(id, to, Some(actor), note).await?;
        Ok(true)
    }

    /// Stores a card-to-card receipt and moves the payment to `submitted`;
    /// `false` when the payment is no longer open.
    pub async fn attach_receipt(
        &mut self,
        id: PaymentId,
        file_id: Option<&str>,
        text: Option<&str>,
    ) -> Result<bool, StoreError> {
        let text = text.map(|t| t.chars().take(1000).collect::<String>());
        let changed = sqlx::query(
            "UPDATE payments SET receipt_file_id = COALESCE($1, receipt_file_id), receipt_text = COALESCE($2, receipt_text), \
             status = 'submitted', updated_at = $3 WHERE bot_id = $4 AND id = $5 AND method = 'card' \
             AND status IN ('pending', 'submitted')",
        )
        .bind(file_id)
        .bind(text.as_deref())
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let note = if file_id.is_some() { "receipt photo" } else { "receipt text" };
        self.payment_event(id, PaymentStatus::Submitted, Some("customer"), Some(note)).await?;
        Ok(true)
    }

    /// Records the Zarinpal authority of a payment's request.
    pub async fn set_payment_authority(&mut self, id: PaymentId, authority: &str, fee: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE payments SET authority = $1, fee = $2, updated_at = $3 WHERE bot_id = $4 AND id = $5")
            .bind(authority)
            .bind(fee)
            .bind(now_ms())
            .bind(self.bot())
            .bind(id.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Records what the gateway said of a verified payment.
    pub async fn set_payment_verification(
        &mut self,
        id: PaymentId,
        ref_id: &str,
        card_pan: Option<&str>,
        fee: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE payments SET ref_id = $1, card_pan = $2, fee = $3, updated_at = $4 WHERE bot_id = $5 AND id = $6",
        )
        .bind(ref_id)
        .bind(card_pan)
        .bind(fee)
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Records Telegram's charge id of a Stars payment (unique per tenant).
    pub async fn set_payment_charge(&mut self, id: PaymentId, charge_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE payments SET charge_id = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4")
            .bind(charge_id)
            .bind(now_ms())
            .bind(self.bot())
            .bind(id.get())
            .execute(self.conn())
            .await
            .map_err(|e| {
                if StoreError::is_unique_violation(&e) {
                    StoreError::Conflict("this Telegram charge belongs to another payment")
                } else {
                    e.into()
                }
            })?;
        Ok(())
    }

    /// A payment's history, oldest first.
    pub async fn payment_events(&mut self, id: PaymentId) -> Result<Vec<PaymentEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, actor, note, created_at FROM payment_events WHERE bot_id = $1 AND payment_id = $2 ORDER BY id",
        )
        .bind(self.bot())
        .bind(id.get())
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(PaymentEvent {
                    status: PaymentStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("payment status {status}")))?,
                    actor: r.try_get("actor")?,
                    note: r.try_get("note")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Adds a line to a payment's history without changing its status.
    pub async fn payment_event(
        &mut self,
        id: PaymentId,
        status: PaymentStatus,
        actor: Option<&str>,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO payment_events (bot_id, payment_id, status, actor, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.bot())
        .bind(id.get())
        .bind(status.as_str())
        .bind(actor)
        .bind(note)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
