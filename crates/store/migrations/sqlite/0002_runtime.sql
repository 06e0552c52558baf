-- Telegram runtime state (SQLite). Mirrors ../postgres/0002_runtime.sql.

-- The inbox: every update accepted for an active bot, keyed by Telegram's
-- update_id, so a repeated delivery (webhook retry, poll after restart, another
-- process) is recognised by the primary key, not by an `if`.
-- How many updates a customer has sent: 1 right after the first contact, which
-- is how a single upsert tells a new customer from a returning one.
ALTER TABLE customers ADD COLUMN contacts INTEGER NOT NULL DEFAULT 1;

CREATE TABLE telegram_updates (
    bot_id      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    update_id   INTEGER NOT NULL,
    payload     TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'handled', 'failed')),
    received_at INTEGER NOT NULL,
    handled_at  INTEGER,
    PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX telegram_updates_pending ON telegram_updates (received_at) WHERE status = 'received';

-- Per-bot runtime bookkeeping: the long-polling offset (advanced in the same
-- transaction that stores the polled updates) and the webhook last registered.
CREATE TABLE bot_runtime (
    bot_id              INTEGER PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
    poll_offset         INTEGER NOT NULL DEFAULT 0,
    webhook_fingerprint TEXT,
    updated_at          INTEGER NOT NULL
);

-- Where each chat is in a conversation, keyed by (bot, chat): the same chat id
-- in two bots is two conversations.
CREATE TABLE conversation_states (
    bot_id     INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    chat_id    INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (bot_id, chat_id)
);
