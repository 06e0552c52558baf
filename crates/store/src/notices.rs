//! Notices a subscription got (reminders before expiry, the expiry itself),
//! each recorded once so a re-run job never repeats it.

use crate::clock::now_ms;
use crate::{StoreError, TenantTx};
use bazar_domain::SubscriptionId;

impl TenantTx {
    /// Records notice `kind` for a subscription; false when it was given before.
    pub async fn record_notice(&mut self, subscription: SubscriptionId, kind: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO subscription_notices (bot_id, subscription_id, kind, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (bot_id, subscription_id, kind) DO NOTHING",
        )
        .bind(self.bot())
        .bind(subscription.get())
        .bind(kind)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
