-- Customers who want their subscriptions renewed from the wallet (SQLite).
ALTER TABLE customers ADD COLUMN auto_renew INTEGER NOT NULL DEFAULT 0 CHECK (auto_renew IN (0, 1));
