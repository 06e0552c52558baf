-- Broadcasts (SQLite). Mirrors ../postgres/0011_broadcasts.sql.

-- One message an admin sends to part of the tenant's customers. Composed as a
-- draft; confirming snapshots the audience into `broadcast_deliveries` and
-- sets it running. The runtime's broadcast engine claims a running broadcast
-- with a lease (`owner`, `lease_until`) so two processes never send the same
-- one, keeps the counters with every batch, edits the progress message in the
-- admin's chat and sends the final report once (`reported`).
CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id              INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    -- The admin who composed it (Telegram user id) and where progress goes.
    created_by          INTEGER NOT NULL,
    admin_chat_id       INTEGER NOT NULL,
    -- The admin's language, for the progress message and the report.
    language            TEXT    NOT NULL,
    -- The message: a text, or a photo (Telegram file id) with `text` as its caption.
    text                TEXT,
    photo_file_id       TEXT,
    -- One optional URL button.
    button_label        TEXT,
    button_url          TEXT,
    audience            TEXT    NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'active', 'expired', 'never_bought')),
    status              TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'cancelled', 'done')),
    -- Counters, kept in the transaction that records each batch.
    total               INTEGER NOT NULL DEFAULT 0,
    sent                INTEGER NOT NULL DEFAULT 0,
    failed              INTEGER NOT NULL DEFAULT 0,
    blocked             INTEGER NOT NULL DEFAULT 0,
    skipped             INTEGER NOT NULL DEFAULT 0,
    unknown             INTEGER NOT NULL DEFAULT 0,
    progress_message_id INTEGER,
    owner               TEXT,
    lease_until         INTEGER,
    reported            INTEGER NOT NULL DEFAULT 0 CHECK (reported IN (0, 1)),
    created_at          INTEGER NOT NULL,
    started_at          INTEGER,
    finished_at         INTEGER,
    updated_at          INTEGER NOT NULL,
    CHECK (text IS NOT NULL OR photo_file_id IS NOT NULL),
    CHECK ((button_label IS NULL) = (button_url IS NULL))
);
CREATE INDEX broadcasts_recent ON broadcasts (bot_id, id);
CREATE INDEX broadcasts_unfinished ON broadcasts (status, reported);

-- Who a broadcast goes to, snapshotted when it starts. At most once: a batch is
-- marked 'sending' before it is handed to Telegram; a row a dead process left
-- in 'sending' becomes 'unknown' and is never sent again. Customers who had
-- blocked the bot or were banned at the snapshot are 'skipped'.
CREATE TABLE broadcast_deliveries (
    bot_id        INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    chat_id       INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'skipped', 'unknown')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (broadcast_id, customer_id)
);
CREATE INDEX broadcast_deliveries_queue ON broadcast_deliveries (broadcast_id, status, customer_id);
