//! A tenant's bank cards for card-to-card payments, and the rotation that
//! picks the card shown for the next payment.
//!
//! A card number is sealed at rest like a bot token (purpose
//! [`CARD_PURPOSE`], bound to the card's id), kept unique per tenant by a
//! keyed fingerprint (a plain hash of 16 digits is brute-forced in seconds),
//! and stored masked, with its bank, for every listing. The full number is
//! opened only by [`PaymentCard::number_for_payer`].

use crate::clock::now_ms;
use crate::row::get_bool;
use crate::tenancy::Mode;
use crate::{Backend, PlatformScope, PlatformTx, Store, StoreError, TenantTx};
use bazar_domain::{CardId, CardNumber, CardRotation, Iban, calendar::tehran_day_start_ms, mask_card_number};
use bazar_secrets::{Keyring, Sealed};
use secrecy::ExposeSecret;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::sync::Arc;

/// What a card number is sealed and fingerprinted for.
pub(crate) const CARD_PURPOSE: &str = "card-number";

/// A card's sealed number, with what opens it.
#[derive(Clone)]
struct SealedNumber {
    sealed: Sealed,
    keyring: Arc<Keyring>,
}

impl PartialEq for SealedNumber {
    fn eq(&self, other: &Self) -> bool {
        self.sealed == other.sealed
    }
}

impl Eq for SealedNumber {}

/// A payment card. The full number is reachable only through
/// [`PaymentCard::number_for_payer`], which opens it; `Debug` and every
/// listing show the stored masked form.
#[derive(Clone, PartialEq, Eq)]
pub struct PaymentCard {
    /// Row id.
    pub id: CardId,
    masked: String,
    number: SealedNumber,
    /// Name of the account holder, as the bank shows it.
    pub holder: String,
    /// The account's IBAN (Sheba), if given.
    pub iban: Option<String>,
    /// Bank recognised from the number's prefix (`melli`, `saman`, …).
    pub bank: Option<String>,
    /// Share of payments under weighted rotation (1-100).
    pub weight: u32,
    /// Most this card may be assigned per Tehran day, in the tenant's currency.
    pub daily_cap: Option<i64>,
    /// Whether it is shown to customers.
    pub active: bool,
    /// Amount assigned to it today (open and paid payments).
    pub used_today: i64,
    /// Payments assigned to it today.
    pub payments_today: i64,
}

impl std::fmt::Debug for PaymentCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentCard")
            .field("id", &self.id)
            .field("number", &self.masked())
            .field("holder", &self.holder)
            .field("weight", &self.weight)
            .field("daily_cap", &self.daily_cap)
            .field("active", &self.active)
            .finish()
    }
}

impl PaymentCard {
    /// `603799******1234`: what admins, logs and APIs see (stored so, never opened for it).
    pub fn masked(&self) -> String {
        self.masked.clone()
    }

    /// The full number, opened, for the one message that tells a paying
    /// customer where to transfer.
    pub fn number_for_payer(&self) -> Result<CardNumber, StoreError> {
        let digits = self.number.keyring.open_text(CARD_PURPOSE, self.id.get(), &self.number.sealed)?;
        CardNumber::parse(digits.expose_secret())
            .map_err(|e| StoreError::Corrupt(format!("card {}'s sealed number: {e}", self.id)))
    }
}

/// A card to add.
#[derive(Debug, Clone)]
pub struct NewCard {
    /// Its number (Luhn-checked).
    pub number: CardNumber,
    /// Account holder.
    pub holder: String,
    /// IBAN, if known.
    pub iban: Option<Iban>,
    /// Weight for weighted rotation (1-100).
    pub weight: u32,
    /// Daily cap in the tenant's currency.
    pub daily_cap: Option<i64>,
}

/// Changes to a card; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CardUpdate {
    /// New holder name.
    pub holder: Option<String>,
    /// New IBAN (`Some(None)` removes it).
    pub iban: Option<Option<Iban>>,
    /// New weight.
    pub weight: Option<u32>,
    /// New daily cap (`Some(None)` removes it).
    pub daily_cap: Option<Option<i64>>,
    /// Enable or disable.
    pub active: Option<bool>,
}

/// The domain's card rules, as the store's last line (the use cases in
/// `bazar_shop::cards` check them first and name every refused field).
fn rule(result: Result<impl Sized, bazar_domain::CardRuleError>) -> Result<(), StoreError> {
    result.map(drop).map_err(|e| match e {
        bazar_domain::CardRuleError::Holder => StoreError::InvalidInput("the holder's name must be 1 to 64 characters"),
        bazar_domain::CardRuleError::Weight => StoreError::InvalidInput("a card's weight must be from 1 to 100"),
        bazar_domain::CardRuleError::DailyCap => StoreError::InvalidInput("a daily cap must be greater than zero"),
    })
}

fn check_holder(holder: &str) -> Result<(), StoreError> {
    rule(bazar_domain::check_holder(holder))
}

fn check_weight(weight: u32) -> Result<(), StoreError> {
    rule(bazar_domain::check_weight(weight))
}

fn check_cap(cap: Option<i64>) -> Result<(), StoreError> {
    cap.map_or(Ok(()), |c| rule(bazar_domain::check_daily_cap(c)))
}

/// Statuses whose amount counts against a card's daily cap.
const COUNTED: &str = "('pending', 'submitted', 'paid')";

fn card_query(filter: &str) -> String {
    format!(
        "SELECT c.id, c.number_masked, c.number_key_id, c.number_sealed, c.holder, c.iban, c.bank, c.weight, \
         c.daily_cap, c.active, c.rotation_seq, \
         CAST(COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.bot_id = c.bot_id AND p.card_id = c.id \
           AND p.created_at >= $2 AND p.status IN {COUNTED}), 0) AS BIGINT) AS used_today, \
         (SELECT COUNT(*) FROM payments p WHERE p.bot_id = c.bot_id AND p.card_id = c.id \
           AND p.created_at >= $2 AND p.status IN {COUNTED}) AS payments_today \
         FROM payment_cards c WHERE c.bot_id = $1 {filter} ORDER BY c.id"
    )
}

fn from_row(row: &AnyRow, keyring: &Arc<Keyring>) -> Result<(PaymentCard, i64), StoreError> {
    let id: i64 = row.try_get("id")?;
    let (key_id, blob): (Option<String>, Option<Vec<u8>>) =
        (row.try_get("number_key_id")?, row.try_get("number_sealed")?);
    let (Some(key_id), Some(blob)) = (key_id, blob) else {
        return Err(StoreError::Corrupt(format!("card {id} has no sealed number")));
    };
    let card = PaymentCard {
        id: CardId::from_raw(id),
        masked: row.try_get("number_masked")?,
        number: SealedNumber { sealed: Sealed { key_id, blob }, keyring: keyring.clone() },
        holder: row.try_get("holder")?,
        iban: row.try_get("iban")?,
        bank: row.try_get("bank")?,
        weight: row.try_get::<i64, _>("weight")? as u32,
        daily_cap: row.try_get("daily_cap")?,
        active: get_bool(row, "active")?,
        used_today: row.try_get("used_today")?,
        payments_today: row.try_get("payments_today")?,
    };
    Ok((card, row.try_get("rotation_seq")?))
}

impl TenantTx {
    /// Adds a card, its number sealed; the same number twice is a conflict.
    pub async fn add_card(&mut self, new: &NewCard) -> Result<PaymentCard, StoreError> {
        check_holder(&new.holder)?;
        check_weight(new.weight)?;
        check_cap(new.daily_cap)?;
        let now = now_ms();
        let (fingerprint_key_id, fingerprint) =
            self.keyring().fingerprint(CARD_PURPOSE, new.number.digits().as_bytes());
        // `ON CONFLICT DO NOTHING` (not a caught error): a failed statement
        // aborts a PostgreSQL transaction, and two concurrent adds of one
        // number must end in one card and one conflict (on the fingerprint).
        // The seal is bound to the id, so it is written once the id exists.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO payment_cards (bot_id, number_key_id, number_sealed, number_fingerprint, fingerprint_key_id, \
             number_masked, holder, iban, bank, weight, daily_cap, active, created_at, updated_at) \
             VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(self.bot())
        .bind(Vec::<u8>::new())
        .bind(&fingerprint)
        .bind(&fingerprint_key_id)
        .bind(new.number.masked())
        .bind(new.holder.trim())
        .bind(new.iban.as_ref().map(|i| i.as_str().to_owned()))
        .bind(new.number.bank().map(|b| b.code()))
        .bind(i64::from(new.weight))
        .bind(new.daily_cap)
        .bind(true)
        .bind(now)
        .fetch_optional(self.conn())
        .await?;
        let Some(id) = id else { return Err(StoreError::Conflict("this card is already registered")) };
        let sealed = self.keyring().seal(CARD_PURPOSE, id, new.number.digits().as_bytes());
        sqlx::query("UPDATE payment_cards SET number_key_id = $1, number_sealed = $2 WHERE bot_id = $3 AND id = $4")
            .bind(&sealed.key_id)
            .bind(&sealed.blob)
            .bind(self.bot())
            .bind(id)
            .execute(self.conn())
            .await?;
        self.card(CardId::from_raw(id)).await?.ok_or(StoreError::Corrupt("a card vanished while being added".into()))
    }

    /// Every card of the tenant, with today's usage.
    pub async fn cards(&mut self) -> Result<Vec<PaymentCard>, StoreError> {
        let rows = sqlx::query(&card_query(""))
            .bind(self.bot())
            .bind(tehran_day_start_ms(now_ms()))
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(|r| from_row(r, self.keyring()).map(|(c, _)| c)).collect()
    }

    /// The tenant's cards with today's usage, by id, one page.
    pub async fn cards_page(&mut self, limit: i64, offset: i64) -> Result<Vec<PaymentCard>, StoreError> {
        let rows = sqlx::query(&format!("{} LIMIT $3 OFFSET $4", card_query("")))
            .bind(self.bot())
            .bind(tehran_day_start_ms(now_ms()))
            .bind(limit.max(1))
            .bind(offset.max(0))
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(|r| from_row(r, self.keyring()).map(|(c, _)| c)).collect()
    }

    /// Whether the tenant has a card customers can be shown (the method's "configured" check).
    pub async fn has_active_card(&mut self) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM payment_cards WHERE bot_id = $1 AND active = $2 LIMIT 1")
                .bind(self.bot())
                .bind(true)
                .fetch_optional(self.conn())
                .await?;
        Ok(found.is_some())
    }

    /// One card.
    pub async fn card(&mut self, id: CardId) -> Result<Option<PaymentCard>, StoreError> {
        let row = sqlx::query(&card_query("AND c.id = $3"))
            .bind(self.bot())
            .bind(tehran_day_start_ms(now_ms()))
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(|r| from_row(r, self.keyring()).map(|(c, _)| c)).transpose()
    }

    /// Applies `update` to a card; `None` when the tenant has no such card.
    pub async fn update_card(&mut self, id: CardId, update: &CardUpdate) -> Result<Option<PaymentCard>, StoreError> {
        let Some(card) = self.card(id).await? else { return Ok(None) };
        if let Some(holder) = &update.holder {
            check_holder(holder)?;
        }
        if let Some(weight) = update.weight {
            check_weight(weight)?;
        }
        if let Some(cap) = update.daily_cap {
            check_cap(cap)?;
        }
        let iban = match &update.iban {
            Some(new) => new.as_ref().map(|i| i.as_str().to_owned()),
            None => card.iban.clone(),
        };
        sqlx::query(
            "UPDATE payment_cards SET holder = $1, iban = $2, weight = $3, daily_cap = $4, active = $5, updated_at = $6 \
             WHERE bot_id = $7 AND id = $8",
        )
        .bind(update.holder.as_deref().map(str::trim).unwrap_or(&card.holder))
        .bind(iban)
        .bind(i64::from(update.weight.unwrap_or(card.weight)))
        .bind(update.daily_cap.unwrap_or(card.daily_cap))
        .bind(update.active.unwrap_or(card.active))
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        self.card(id).await
    }

    /// Picks the card for a new payment of `amount` by `strategy`, among the
    /// active cards whose daily cap still has room for it, and marks it
    /// assigned. `None` when no card can take the amount today.
    pub async fn pick_card(&mut self, strategy: CardRotation, amount: i64) -> Result<Option<PaymentCard>, StoreError> {
        // Concurrent picks of one tenant queue here until the winner's payment
        // is committed, so a cap is never overrun (SQLite serialises writes already).
        if self.backend() == crate::Backend::Postgres {
            sqlx::query("SELECT id FROM payment_cards WHERE bot_id = $1 ORDER BY id FOR UPDATE")
                .bind(self.bot())
                .fetch_all(self.conn())
                .await?;
        }
        let rows = sqlx::query(&card_query("AND c.active = $3"))
            .bind(self.bot())
            .bind(tehran_day_start_ms(now_ms()))
            .bind(true)
            .fetch_all(self.conn())
            .await?;
        let mut eligible = Vec::new();
        for row in &rows {
            let (card, last) = from_row(row, self.keyring())?;
            let room = card.daily_cap.is_none_or(|cap| card.used_today.saturating_add(amount) <= cap);
            if room {
                eligible.push((card, last));
            }
        }
        let chosen = match strategy {
            CardRotation::RoundRobin => eligible.into_iter().min_by_key(|(c, last)| (*last, c.id)),
            // Smooth weighting: the card furthest below its share of today's
            // payments, i.e. the least (payments_today + 1) / weight.
            CardRotation::Weighted => eligible.into_iter().min_by(|(a, la), (b, lb)| {
                let left = (a.payments_today + 1) * i64::from(b.weight);
                let right = (b.payments_today + 1) * i64::from(a.weight);
                left.cmp(&right).then(la.cmp(lb)).then(a.id.cmp(&b.id))
            }),
            CardRotation::LeastUsed => eligible.into_iter().min_by_key(|(c, last)| (c.used_today, *last, c.id)),
        };
        let Some((card, _)) = chosen else { return Ok(None) };
        // A per-tenant sequence: the card picked longest ago has the smallest.
        sqlx::query(
            "UPDATE payment_cards SET rotation_seq = (SELECT MAX(rotation_seq) + 1 FROM payment_cards \
             WHERE bot_id = $1) WHERE bot_id = $1 AND id = $2",
        )
        .bind(self.bot())
        .bind(card.id.get())
        .execute(self.conn())
        .await?;
        Ok(Some(card))
    }
}

/// Brings every stored card number to the current form, at open: a number
/// still in clear (carried over by migration 0014; SQL cannot seal) is
/// sealed and its plaintext nulled, and one sealed or fingerprinted under an
/// older master key (after a rotation, `previous_master_keys`) is re-sealed
/// and re-fingerprinted under the current one. On SQLite the file is
/// vacuumed (and its WAL truncated) after plaintext was converted, so the
/// digits leave the disk instead of lingering in free pages.
pub(crate) async fn seal_card_numbers(store: &Store) -> Result<(), StoreError> {
    const STALE: &str = "number IS NOT NULL OR number_key_id IS NULL OR number_key_id <> $1 \
                         OR fingerprint_key_id IS NULL OR fingerprint_key_id <> $1";
    let keyring = &store.keyring;
    let platform = PlatformScope::new();
    // Every CLI command opens the store: look first, without SQLite's write lock.
    let mut look = PlatformTx::begin(&store.db, &platform, Mode::Read).await?;
    let stale: Option<i64> = sqlx::query_scalar(&format!("SELECT id FROM payment_cards WHERE {STALE} LIMIT 1"))
        .bind(keyring.current_key_id())
        .fetch_optional(look.conn())
        .await?;
    look.commit().await?;
    if stale.is_none() {
        return Ok(());
    }
    let mut tx = PlatformTx::begin(&store.db, &platform, Mode::Write).await?;
    let mut select = format!("SELECT id, number, number_key_id, number_sealed FROM payment_cards WHERE {STALE}");
    if store.db.backend() == Backend::Postgres {
        // Two processes opening at once convert each row once.
        select.push_str(" FOR UPDATE");
    }
    let rows = sqlx::query(&select).bind(keyring.current_key_id()).fetch_all(tx.conn()).await?;
    let mut in_clear = 0;
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let digits = match row.try_get::<Option<String>, _>("number")? {
            Some(number) => {
                in_clear += 1;
                secrecy::SecretString::from(number)
            }
            None => {
                let key_id: Option<String> = row.try_get("number_key_id")?;
                let blob: Option<Vec<u8>> = row.try_get("number_sealed")?;
                let sealed = Sealed { key_id: key_id.unwrap_or_default(), blob: blob.unwrap_or_default() };
                keyring.open_text(CARD_PURPOSE, id, &sealed)?
            }
        };
        let digits: &str = digits.expose_secret();
        let sealed = keyring.seal(CARD_PURPOSE, id, digits.as_bytes());
        let (fingerprint_key_id, fingerprint) = keyring.fingerprint(CARD_PURPOSE, digits.as_bytes());
        sqlx::query(
            "UPDATE payment_cards SET number = NULL, number_key_id = $1, number_sealed = $2, number_fingerprint = $3, \
             fingerprint_key_id = $4, number_masked = $5 WHERE id = $6",
        )
        .bind(&sealed.key_id)
        .bind(&sealed.blob)
        .bind(&fingerprint)
        .bind(&fingerprint_key_id)
        .bind(mask_card_number(digits))
        .bind(id)
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await?;
    if !rows.is_empty() {
        tracing::info!(sealed = in_clear, resealed = rows.len() - in_clear, "card numbers brought to the current key");
    }
    if in_clear > 0 && store.db.backend() == Backend::Sqlite {
        let writer = store.db.pool_for(true);
        sqlx::query("VACUUM").execute(writer).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(writer).await?;
    }
    Ok(())
}
