-- Self-service onboarding (SQLite). Mirrors ../postgres/0012_onboarding.sql.

-- A prospective reseller's request to open a shop, kept by the master bot
-- (bot_id = the master). The pasted bot token is sealed (bound to the request
-- id) until the shop is created; the fee is debited from the applicant's wallet
-- in the master bot under ledger key `onboarding:{id}` and, on rejection,
-- refunded under `onboarding-refund:{id}`.
CREATE TABLE onboarding_requests (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id           INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    customer_id      INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    telegram_id      INTEGER NOT NULL,
    plan             TEXT    NOT NULL,
    fee              INTEGER NOT NULL CHECK (fee >= 0),
    currency         TEXT    NOT NULL,
    telegram_bot_id  INTEGER NOT NULL,
    bot_username     TEXT,
    token_key_id     TEXT    NOT NULL DEFAULT '',
    token_sealed     BLOB    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('draft', 'waiting', 'created', 'rejected')),
    tenant_bot_id    INTEGER,
    decided_by       INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX onboarding_requests_status ON onboarding_requests (bot_id, status);
