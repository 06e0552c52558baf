-- Referral codes and subscription notices (PostgreSQL). Mirrors ../sqlite/0005_referrals_reminders.sql.

ALTER TABLE customers ADD COLUMN referral_code TEXT;
CREATE UNIQUE INDEX customers_referral_code ON customers (bot_id, referral_code) WHERE referral_code IS NOT NULL;

CREATE TABLE subscription_notices (
    bot_id          BIGINT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind            TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (bot_id, subscription_id, kind)
);

ALTER TABLE subscription_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE subscription_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subscription_notices USING (bazar_row_visible(bot_id)) WITH CHECK (bazar_row_visible(bot_id));
