-- Selling safely on shared panels (SQLite). Mirrors ../postgres/0016_installation.sql.

-- The one row naming this database: its installation id goes into the VPN
-- user names it creates, so two databases selling on one panel never pick
-- the same name. Filled by the store when it opens (SQL cannot make the id).
CREATE TABLE installation (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    installation_id TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);

-- What each panel offers plans (inbounds, internal squads), as last read
-- from it: plan options are checked against it, and admin menus offer it.
ALTER TABLE panels ADD COLUMN catalog TEXT;
ALTER TABLE panels ADD COLUMN catalog_at INTEGER;
