-- no-transaction
-- Payment card numbers sealed at rest (SQLite). Mirrors ../postgres/0014_sealed_card_numbers.sql.
--
-- The number was stored in clear, NOT NULL and UNIQUE per tenant. It is now
-- sealed with the master key (number_sealed + number_key_id, bound to the
-- card's id), unique per tenant through a keyed fingerprint
-- (number_fingerprint + fingerprint_key_id), and shown from number_masked.
-- SQL cannot seal: rows carried over keep their plaintext in `number` until
-- `Store::open` seals them, nulls it and runs VACUUM.
--
-- SQLite cannot drop a NOT NULL, a CHECK or a UNIQUE constraint in place, so
-- the table is rebuilt by the documented procedure
-- (https://www.sqlite.org/lang_altertable.html#otheralter) with foreign keys
-- off — `PRAGMA foreign_keys` is a no-op inside a transaction, hence
-- `-- no-transaction` (honoured by `migrate.rs`, as sqlx's SQLite driver does
-- not) and our own BEGIN … COMMIT. With foreign keys on, DROP TABLE would run
-- `payments.card_id … ON DELETE SET NULL` and every payment would lose its card.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE payment_cards_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id             INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    -- Legacy plaintext, only until Store::open seals it; NULL from then on.
    number             TEXT,
    number_key_id      TEXT,
    number_sealed      BLOB,
    number_fingerprint TEXT,
    fingerprint_key_id TEXT,
    number_masked      TEXT    NOT NULL,
    holder             TEXT    NOT NULL,
    iban               TEXT,
    bank               TEXT,
    weight             INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 100),
    daily_cap          INTEGER CHECK (daily_cap IS NULL OR daily_cap > 0),
    active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    rotation_seq       INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (bot_id, number_fingerprint)
);

INSERT INTO payment_cards_new (id, bot_id, number, number_masked, holder, iban, bank, weight, daily_cap, active,
                               rotation_seq, created_at, updated_at)
SELECT id, bot_id, number, substr(number, 1, 6) || '******' || substr(number, 13, 4), holder, iban, bank, weight,
       daily_cap, active, rotation_seq, created_at, updated_at
FROM payment_cards;

-- Keep AUTOINCREMENT's high-water mark: a card id is never handed out twice.
DELETE FROM sqlite_sequence WHERE name = 'payment_cards_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'payment_cards_new', seq FROM sqlite_sequence WHERE name = 'payment_cards';

DROP TABLE payment_cards;
ALTER TABLE payment_cards_new RENAME TO payment_cards;

-- Step 10: no reference may dangle. A violation fails this CHECK and rolls the rebuild back.
CREATE TEMP TABLE payment_cards_fk_check (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO payment_cards_fk_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE payment_cards_fk_check;

COMMIT;
PRAGMA foreign_keys = ON;
