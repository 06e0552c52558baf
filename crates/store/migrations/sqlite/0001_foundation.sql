-- Foundation schema (SQLite). Mirrors ../postgres/0001_foundation.sql column for column.
-- SQLite has no row-level security: the TenantScope types are the wall here.
-- Booleans are INTEGER 0/1 and times are unix milliseconds (INTEGER) so the same
-- queries run on both backends.

CREATE TABLE bots (
    id                INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: a removed bot's id is never reused
    name              TEXT    NOT NULL,
    username          TEXT,
    telegram_bot_id   INTEGER NOT NULL UNIQUE,
    token_hash        TEXT    NOT NULL UNIQUE,
    token_key_id      TEXT    NOT NULL,
    token_sealed      BLOB    NOT NULL,
    is_master         INTEGER NOT NULL DEFAULT 0 CHECK (is_master IN (0, 1)),
    status            TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'disabled')),
    owner_telegram_id INTEGER,
    settings_version  INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX bots_one_master ON bots (is_master) WHERE is_master = 1;

CREATE TABLE bot_admins (
    bot_id      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    telegram_id INTEGER NOT NULL,
    can_manage_admins INTEGER NOT NULL DEFAULT 0 CHECK (can_manage_admins IN (0, 1)),
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (bot_id, telegram_id)
);

CREATE TABLE bot_api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id       INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX bot_api_tokens_bot ON bot_api_tokens (bot_id);

CREATE TABLE bot_feature_flags (
    bot_id     INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    config     TEXT    NOT NULL DEFAULT '{}',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (bot_id, key)
);

CREATE TABLE bot_configurations (
    bot_id     INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (bot_id, key)
);

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id        INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    telegram_id   INTEGER NOT NULL,
    username      TEXT,
    first_name    TEXT,
    language      TEXT,
    referrer_id   INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    banned        INTEGER NOT NULL DEFAULT 0 CHECK (banned IN (0, 1)),
    blocked_at    INTEGER,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    UNIQUE (bot_id, telegram_id)
);
