-- Payment card numbers sealed at rest (PostgreSQL). Mirrors ../sqlite/0014_sealed_card_numbers.sql.
--
-- The number was stored in clear, NOT NULL and UNIQUE per tenant. It is now
-- sealed with the master key (number_sealed + number_key_id, bound to the
-- card's id), unique per tenant through a keyed fingerprint
-- (number_fingerprint + fingerprint_key_id), and shown from number_masked.
-- SQL cannot seal: rows carried over keep their plaintext in `number` until
-- `Store::open` seals them and nulls it.
ALTER TABLE payment_cards
    ALTER COLUMN number DROP NOT NULL,
    DROP CONSTRAINT payment_cards_number_check,
    DROP CONSTRAINT payment_cards_bot_id_number_key,
    ADD COLUMN number_key_id      TEXT,
    ADD COLUMN number_sealed      BYTEA,
    ADD COLUMN number_fingerprint TEXT,
    ADD COLUMN fingerprint_key_id TEXT,
    ADD COLUMN number_masked      TEXT,
    ADD CONSTRAINT payment_cards_bot_id_number_fingerprint_key UNIQUE (bot_id, number_fingerprint);

-- Row-level security is forced on the tables' owner too: see every tenant's
-- rows for this transaction only.
SELECT set_config('app.platform', 'on', true);
UPDATE payment_cards SET number_masked = substr(number, 1, 6) || '******' || substr(number, 13, 4);
ALTER TABLE payment_cards ALTER COLUMN number_masked SET NOT NULL;
