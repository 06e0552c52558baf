-- Telegram runtime state (PostgreSQL). Mirrors ../sqlite/0002_runtime.sql.

-- How many updates a customer has sent: 1 right after the first contact, which
-- is how a single upsert tells a new customer from a returning one.
ALTER TABLE customers ADD COLUMN contacts BIGINT NOT NULL DEFAULT 1;

CREATE TABLE telegram_updates (
    bot_id      BIGINT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    update_id   BIGINT NOT NULL,
    payload     TEXT   NOT NULL,
    status      TEXT   NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'handled', 'failed')),
    received_at BIGINT NOT NULL,
    handled_at  BIGINT,
    PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX telegram_updates_pending ON telegram_updates (received_at) WHERE status = 'received';

CREATE TABLE bot_runtime (
    bot_id              BIGINT PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
    poll_offset         BIGINT NOT NULL DEFAULT 0,
    webhook_fingerprint TEXT,
    updated_at          BIGINT NOT NULL
);

CREATE TABLE conversation_states (
    bot_id     BIGINT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    chat_id    BIGINT NOT NULL,
    state      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (bot_id, chat_id)
);

ALTER TABLE telegram_updates ENABLE ROW LEVEL SECURITY;
ALTER TABLE telegram_updates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON telegram_updates USING (bazar_row_visible(bot_id)) WITH CHECK (bazar_row_visible(bot_id));

ALTER TABLE bot_runtime ENABLE ROW LEVEL SECURITY;
ALTER TABLE bot_runtime FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON bot_runtime USING (bazar_row_visible(bot_id)) WITH CHECK (bazar_row_visible(bot_id));

ALTER TABLE conversation_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation_states USING (bazar_row_visible(bot_id)) WITH CHECK (bazar_row_visible(bot_id));
