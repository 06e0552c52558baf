-- no-transaction
-- Panel kinds are declared by their modules, not by the schema (SQLite).
-- Mirrors ../postgres/0017_panel_kinds.sql.
--
-- `panels.kind` loses its CHECK (kind IN ('remnawave', 'marzban')): the kind is
-- text the application validates against its registry of kinds
-- (`bazar_panels::kinds::KINDS`), so adding a kind needs no migration.
-- Catalogs (a cache of what each panel offers plans) change shape, from
-- `{"inbounds": [...], "squads": [...]}` to entries per option field: they are
-- cleared, and the next read of each panel (`bazar panel options`, the admin
-- menu's ↻, the catalog job before a plan change) fills them again.
--
-- SQLite cannot drop a CHECK in place, so the table is rebuilt by the
-- documented procedure (https://www.sqlite.org/lang_altertable.html#otheralter)
-- with foreign keys off, as 0014 does: bot_panels and subscriptions refer to panels.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE panels_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL CHECK (length(kind) BETWEEN 2 AND 24),
    base_url           TEXT    NOT NULL,
    credentials_key_id TEXT    NOT NULL,
    credentials_sealed BLOB    NOT NULL,
    is_default         INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at         INTEGER NOT NULL,
    catalog            TEXT,
    catalog_at         INTEGER
);

INSERT INTO panels_new (id, name, kind, base_url, credentials_key_id, credentials_sealed, is_default, created_at,
                        catalog, catalog_at)
SELECT id, name, kind, base_url, credentials_key_id, credentials_sealed, is_default, created_at, NULL, NULL
FROM panels;

-- Keep AUTOINCREMENT's high-water mark: a panel id is never handed out twice
-- (credentials are sealed bound to it).
DELETE FROM sqlite_sequence WHERE name = 'panels_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'panels_new', seq FROM sqlite_sequence WHERE name = 'panels';

DROP TABLE panels;
ALTER TABLE panels_new RENAME TO panels;
CREATE UNIQUE INDEX panels_one_default ON panels (is_default) WHERE is_default = 1;

-- No reference may dangle. A violation fails this CHECK and rolls the rebuild back.
CREATE TEMP TABLE panels_fk_check (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO panels_fk_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE panels_fk_check;

COMMIT;
PRAGMA foreign_keys = ON;
