-- Customers who want their subscriptions renewed from the wallet (PostgreSQL).
ALTER TABLE customers ADD COLUMN auto_renew BOOLEAN NOT NULL DEFAULT FALSE;
