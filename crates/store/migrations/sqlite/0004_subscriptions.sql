-- VPN panels, subscriptions and background jobs (SQLite). Mirrors ../postgres/0004_subscriptions.sql.

-- Panels belong to the platform; credentials are sealed with the master key,
-- bound to the panel id. At most one is the default for tenants without their own.
CREATE TABLE panels (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL CHECK (kind IN ('remnawave', 'marzban')),
    base_url           TEXT    NOT NULL,
    credentials_key_id TEXT    NOT NULL,
    credentials_sealed BLOB    NOT NULL,
    is_default         INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX panels_one_default ON panels (is_default) WHERE is_default = 1;

-- A tenant's own panel (when the platform allows it); otherwise the default.
CREATE TABLE bot_panels (
    bot_id      INTEGER PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
    panel_id    INTEGER NOT NULL REFERENCES panels (id),
    assigned_at INTEGER NOT NULL
);

CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id           INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    customer_id      INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    plan_id          INTEGER REFERENCES bot_plans (id) ON DELETE SET NULL,
    is_trial         INTEGER NOT NULL DEFAULT 0 CHECK (is_trial IN (0, 1)),
    panel_id         INTEGER REFERENCES panels (id),
    panel_username   TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('provisioning', 'active', 'expired', 'disabled', 'failed')),
    duration_days    INTEGER NOT NULL,
    traffic_bytes    INTEGER,
    device_limit     INTEGER,
    price            INTEGER NOT NULL,
    currency         TEXT    NOT NULL,
    purchase_key     TEXT    NOT NULL,
    subscription_url TEXT,
    starts_at        INTEGER,
    expires_at       INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (bot_id, purchase_key)
);
CREATE INDEX subscriptions_customer ON subscriptions (bot_id, customer_id);
-- One free trial per customer per tenant, decided by the database.
CREATE UNIQUE INDEX subscriptions_one_trial ON subscriptions (bot_id, customer_id) WHERE is_trial = 1;

-- Work done outside the update that asked for it (provisioning on a panel, …),
-- retried with backoff until it succeeds or gives up for good.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id       INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_at       INTEGER NOT NULL,
    locked_until INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status = 'pending';
