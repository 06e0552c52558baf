-- Money and plans (SQLite). Mirrors ../postgres/0003_shop.sql.

-- Every change of a wallet is a row here. The idempotency key is unique per
-- tenant: a repeated approval, callback or retry cannot post twice.
CREATE TABLE ledger_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id          INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    currency        TEXT    NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount <> 0),
    kind            TEXT    NOT NULL CHECK (kind IN ('adjustment', 'topup', 'purchase', 'refund', 'referral_reward', 'promo_bonus')),
    idempotency_key TEXT    NOT NULL,
    reference       TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (bot_id, idempotency_key)
);
CREATE INDEX ledger_entries_customer ON ledger_entries (bot_id, customer_id, id);

-- The balance per customer and currency, kept in step with the ledger in the
-- same transaction; the database refuses a negative balance.
CREATE TABLE wallets (
    bot_id      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    currency    TEXT    NOT NULL,
    balance     INTEGER NOT NULL CHECK (balance >= 0),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (bot_id, customer_id, currency)
);

CREATE TABLE bot_plans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id        INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    name_fa       TEXT,
    name_ru       TEXT,
    name_en       TEXT,
    duration_days INTEGER NOT NULL CHECK (duration_days > 0),
    traffic_bytes INTEGER CHECK (traffic_bytes IS NULL OR traffic_bytes > 0),
    device_limit  INTEGER CHECK (device_limit IS NULL OR device_limit > 0),
    price         INTEGER NOT NULL CHECK (price >= 0),
    currency      TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort          INTEGER NOT NULL DEFAULT 0,
    panel_options TEXT    NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (name_fa IS NOT NULL OR name_ru IS NOT NULL OR name_en IS NOT NULL)
);
CREATE INDEX bot_plans_bot ON bot_plans (bot_id, active, sort);
