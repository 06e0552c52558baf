-- When a tenant's admins banned a customer (SQLite). Mirrors ../postgres/0010_customer_bans.sql.
-- `banned` (since 0001) is what the runtime checks; `banned_at` records since when,
-- and is set and cleared together with it. Not to be confused with `blocked_at`:
-- that is the customer blocking the bot.
ALTER TABLE customers ADD COLUMN banned_at INTEGER;
