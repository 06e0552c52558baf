//! Self-service onboarding requests, kept by the master bot (`bot_id` = the
//! master): a prospective reseller's plan, fee and sealed bot token, from the
//! moment the token is pasted until the shop is created or the request refused.
//!
//! Every function works inside the master bot's own [`TenantTx`], so a request
//! moves in the same transaction as the money it concerns.

use crate::clock::now_ms;
use crate::row::get_money;
use crate::{Store, StoreError, TenantTx};
use bazar_domain::{BotId, BotToken, CustomerId, Money, TelegramUserId};
use bazar_secrets::Sealed;
use secrecy::ExposeSecret;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Purpose label binding a request's sealed token to its row.
const TOKEN_PURPOSE: &str = "onboarding-token";

/// Where an onboarding request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnboardingStatus {
    /// Token pasted and checked; not paid yet.
    Draft,
    /// Paid; waiting for a platform admin's approval.
    Waiting,
    /// The shop exists (`tenant_bot_id`).
    Created,
    /// Refused by a platform admin; the fee was refunded.
    Rejected,
}

impl OnboardingStatus {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Waiting => "waiting",
            Self::Created => "created",
            Self::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Waiting, Self::Created, Self::Rejected].into_iter().find(|k| k.as_str() == s)
    }
}

/// One onboarding request. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingRequest {
    /// Row id.
    pub id: i64,
    /// The applicant, as the master bot's customer.
    pub customer_id: CustomerId,
    /// The applicant's Telegram id (owner and first admin of the new shop).
    pub telegram_id: TelegramUserId,
    /// The platform plan picked.
    pub plan: String,
    /// Activation fee, in the master bot's currency at the time.
    pub fee: Money,
    /// Telegram's id of the applicant's bot.
    pub telegram_bot_id: i64,
    /// The bot's `@username`, from `getMe`.
    pub bot_username: Option<String>,
    /// Where the request stands.
    pub status: OnboardingStatus,
    /// The shop created for it.
    pub tenant_bot_id: Option<BotId>,
}

/// What an applicant supplies.
#[derive(Debug, Clone)]
pub struct NewOnboarding {
    /// The applicant, as the master bot's customer.
    pub customer_id: CustomerId,
    /// The applicant's Telegram id.
    pub telegram_id: TelegramUserId,
    /// Plan name.
    pub plan: String,
    /// Activation fee, in the master bot's currency.
    pub fee: Money,
    /// The pasted token (sealed before it is stored).
    pub token: BotToken,
    /// The bot's `@username`, from `getMe`.
    pub bot_username: Option<String>,
}

/// Onboarding requests of the master bot; needs the store for the keyring.
pub struct Onboarding<'a> {
    store: &'a Store,
}

impl Store {
    /// The master bot's onboarding requests (used inside its `TenantTx`).
    pub fn onboarding(&self) -> Onboarding<'_> {
        Onboarding { store: self }
    }
}

const COLUMNS: &str =
    "id, customer_id, telegram_id, plan, fee, currency, telegram_bot_id, bot_username, status, tenant_bot_id";

fn from_row(row: &AnyRow) -> Result<OnboardingRequest, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(OnboardingRequest {
        id: row.try_get("id")?,
        customer_id: CustomerId::from_raw(row.try_get("customer_id")?),
        telegram_id: TelegramUserId::from_raw(row.try_get("telegram_id")?),
        plan: row.try_get("plan")?,
        fee: get_money(row, "fee", "currency")?,
        telegram_bot_id: row.try_get("telegram_bot_id")?,
        bot_username: row.try_get("bot_username")?,
        status: OnboardingStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("onboarding status {status}")))?,
        tenant_bot_id: row.try_get::<Option<i64>, _>("tenant_bot_id")?.map(BotId::from_raw),
    })
}

impl Onboarding<'_> {
    /// Records a draft request with its token sealed (bound to the row); returns its id.
    pub async fn create(&self, tx: &mut TenantTx, new: &NewOnboarding) -> Result<i64, StoreError> {
        let now = now_ms();
        let row = sqlx::query(
            "INSERT INTO onboarding_requests (bot_id, customer_id, telegram_id, plan, fee, currency, telegram_bot_id, \
             bot_username, token_sealed, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $10) RETURNING id",
        )
        .bind(tx.bot())
        .bind(new.customer_id.get())
        .bind(new.telegram_id.get())
        .bind(&new.plan)
        .bind(new.fee.minor())
        .bind(new.fee.code())
        .bind(new.token.telegram_bot_id())
        .bind(&new.bot_username)
        .bind(Vec::<u8>::new())
        .bind(now)
        .fetch_one(tx.conn())
        .await?;
        let id: i64 = row.try_get("id")?;
        let sealed = self.store.keyring.seal(TOKEN_PURPOSE, id, new.token.expose().as_bytes());
        sqlx::query(
            "UPDATE onboarding_requests SET token_key_id = $1, token_sealed = $2 WHERE id = $3 AND bot_id = $4",
        )
        .bind(&sealed.key_id)
        .bind(&sealed.blob)
        .bind(id)
        .bind(tx.bot())
        .execute(tx.conn())
        .await?;
        Ok(id)
    }

    /// One request of this master bot.
    pub async fn get(&self, tx: &mut TenantTx, id: i64) -> Result<Option<OnboardingRequest>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM onboarding_requests WHERE bot_id = $1 AND id = $2"))
            .bind(tx.bot())
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Requests in `status`, oldest first.
    pub async fn with_status(
        &self,
        tx: &mut TenantTx,
        status: OnboardingStatus,
        limit: i64,
    ) -> Result<Vec<OnboardingRequest>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM onboarding_requests WHERE bot_id = $1 AND status = $2 ORDER BY id LIMIT $3"
        ))
        .bind(tx.bot())
        .bind(status.as_str())
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Opens the request's sealed token (gone once the request is decided).
    pub async fn token(&self, tx: &mut TenantTx, id: i64) -> Result<BotToken, StoreError> {
        let row: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT token_key_id, token_sealed FROM onboarding_requests WHERE bot_id = $1 AND id = $2")
                .bind(tx.bot())
                .bind(id)
                .fetch_optional(tx.conn())
                .await?;
        let (key_id, blob) = row.ok_or(StoreError::InvalidInput("no such onboarding request"))?;
        let text = self.store.keyring.open_text(TOKEN_PURPOSE, id, &Sealed { key_id, blob })?;
        BotToken::parse(text.expose_secret())
            .map_err(|_| StoreError::Corrupt(format!("onboarding request {id}: stored token is malformed")))
    }

    /// Moves a request from `from` to `to` if it still is in `from` (only one
    /// caller can win a decision); a decided request forgets its token.
    /// Returns whether this call moved it.
    pub async fn advance(
        &self,
        tx: &mut TenantTx,
        id: i64,
        from: OnboardingStatus,
        to: OnboardingStatus,
        decided_by: Option<TelegramUserId>,
    ) -> Result<bool, StoreError> {
        let decided = matches!(to, OnboardingStatus::Rejected);
        let sql = if decided {
            "UPDATE onboarding_requests SET status = $1, decided_by = $2, updated_at = $3, token_sealed = $7 \
             WHERE bot_id = $4 AND id = $5 AND status = $6"
        } else {
            "UPDATE onboarding_requests SET status = $1, decided_by = $2, updated_at = $3 \
             WHERE bot_id = $4 AND id = $5 AND status = $6"
        };
        let mut query = sqlx::query(sql)
            .bind(to.as_str())
            .bind(decided_by.map(|t| t.get()))
            .bind(now_ms())
            .bind(tx.bot())
            .bind(id)
            .bind(from.as_str());
        if decided {
            query = query.bind(Vec::<u8>::new());
        }
        Ok(query.execute(tx.conn()).await?.rows_affected() == 1)
    }

    /// Records the shop created for a request and forgets the request's token.
    pub async fn created(&self, tx: &mut TenantTx, id: i64, tenant: BotId) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE onboarding_requests SET tenant_bot_id = $1, token_sealed = $2, updated_at = $3 \
             WHERE bot_id = $4 AND id = $5",
        )
        .bind(tenant.get())
        .bind(Vec::<u8>::new())
        .bind(now_ms())
        .bind(tx.bot())
        .bind(id)
        .execute(tx.conn())
        .await?;
        Ok(())
    }
}
