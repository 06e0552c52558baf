-- When a tenant's admins banned a customer (PostgreSQL). Row-level security is
-- already enabled and forced on `customers`; no new table, so no new policy.
-- `banned` (since 0001) is what the runtime checks; `banned_at` records since when,
-- and is set and cleared together with it. Not to be confused with `blocked_at`:
-- that is the customer blocking the bot.
ALTER TABLE customers ADD COLUMN banned_at BIGINT;
