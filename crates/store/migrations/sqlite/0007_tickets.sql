-- Support tickets (SQLite). Mirrors ../postgres/0007_tickets.sql.

CREATE TABLE tickets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX tickets_customer ON tickets (bot_id, customer_id, status);

CREATE TABLE ticket_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    from_admin  INTEGER NOT NULL CHECK (from_admin IN (0, 1)),
    author      INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (bot_id, ticket_id, id);
