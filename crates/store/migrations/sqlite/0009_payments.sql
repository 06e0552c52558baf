-- Payments (SQLite). Mirrors ../postgres/0009_payments.sql.

-- A tenant's bank cards for card-to-card payments. The full number is shown
-- only to the customer who pays to it; everything else shows it masked.
CREATE TABLE payment_cards (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id           INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    number           TEXT    NOT NULL CHECK (length(number) = 16),
    holder           TEXT    NOT NULL,
    iban             TEXT,
    bank             TEXT,
    weight           INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 100),
    daily_cap        INTEGER CHECK (daily_cap IS NULL OR daily_cap > 0),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    rotation_seq     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (bot_id, number)
);

-- One row per attempt to pay, created before the customer is shown where to pay.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id          INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    method          TEXT    NOT NULL CHECK (method IN ('card', 'zarinpal', 'stars')),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'submitted', 'paid', 'rejected', 'expired', 'failed', 'refunded')),
    -- What the customer pays, in pay_currency (XTR for Stars).
    amount          INTEGER NOT NULL CHECK (amount > 0),
    pay_currency    TEXT    NOT NULL,
    -- What the wallet receives, in the tenant's currency.
    credit          INTEGER NOT NULL CHECK (credit > 0),
    currency        TEXT    NOT NULL,
    -- A plan to buy as soon as the payment is credited.
    plan_id         INTEGER REFERENCES bot_plans (id) ON DELETE SET NULL,
    -- A discount or extra-days promo code for that purchase.
    promo           TEXT,
    card_id         INTEGER REFERENCES payment_cards (id) ON DELETE SET NULL,
    tracking_code   TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    receipt_file_id TEXT,
    receipt_text    TEXT,
    authority       TEXT,
    ref_id          TEXT,
    card_pan        TEXT,
    fee             INTEGER,
    charge_id       TEXT,
    decided_by      INTEGER,
    reason          TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (bot_id, tracking_code)
);
-- One open card-to-card payment per customer, whatever races.
CREATE UNIQUE INDEX payments_one_open_card ON payments (bot_id, customer_id)
    WHERE method = 'card' AND status IN ('pending', 'submitted');
CREATE UNIQUE INDEX payments_authority ON payments (authority) WHERE authority IS NOT NULL;
CREATE UNIQUE INDEX payments_charge ON payments (bot_id, charge_id) WHERE charge_id IS NOT NULL;
CREATE INDEX payments_by_status ON payments (bot_id, status, id);
CREATE INDEX payments_by_card ON payments (bot_id, card_id, created_at);
CREATE INDEX payments_by_customer ON payments (bot_id, customer_id, id);

-- Every status a payment went through, who moved it and why.
CREATE TABLE payment_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    payment_id  INTEGER NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL,
    actor       TEXT,
    note        TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX payment_events_payment ON payment_events (bot_id, payment_id, id);

-- A tenant's gateway credentials (Zarinpal merchant id), sealed.
CREATE TABLE payment_gateways (
    bot_id      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('zarinpal')),
    key_id      TEXT    NOT NULL,
    sealed      BLOB    NOT NULL,
    sandbox     INTEGER NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1)),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (bot_id, kind)
);
