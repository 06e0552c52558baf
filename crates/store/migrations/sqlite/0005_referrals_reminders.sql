-- Referral codes and subscription notices (SQLite). Mirrors ../postgres/0005_referrals_reminders.sql.

-- A customer's invite code, made when they first open the invite screen.
ALTER TABLE customers ADD COLUMN referral_code TEXT;
CREATE UNIQUE INDEX customers_referral_code ON customers (bot_id, referral_code) WHERE referral_code IS NOT NULL;

-- Which notices a subscription got ('remind:3', 'remind:1', 'expired'): each at most once.
CREATE TABLE subscription_notices (
    bot_id          INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (bot_id, subscription_id, kind)
);
