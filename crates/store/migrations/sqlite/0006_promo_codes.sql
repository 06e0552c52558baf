-- Promo codes (SQLite). Mirrors ../postgres/0006_promo_codes.sql.

CREATE TABLE promo_codes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id       INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    code         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('bonus', 'percent', 'days')),
    value        INTEGER NOT NULL CHECK (value > 0),
    currency     TEXT,
    starts_at    INTEGER,
    ends_at      INTEGER,
    max_uses     INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    per_customer INTEGER NOT NULL DEFAULT 1 CHECK (per_customer > 0),
    uses         INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   INTEGER NOT NULL,
    UNIQUE (bot_id, code),
    -- The database refuses a use beyond the total limit.
    CHECK (max_uses IS NULL OR uses <= max_uses)
);

CREATE TABLE promo_redemptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id          INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    promo_id        INTEGER NOT NULL REFERENCES promo_codes (id) ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- The n-th use of this code by this customer: unique, so the per-customer
    -- limit holds under concurrency too.
    nth             INTEGER NOT NULL,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (bot_id, promo_id, customer_id, nth)
);
