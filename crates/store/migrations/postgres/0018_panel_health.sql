-- Panel health (PostgreSQL). Mirrors ../sqlite/0018_panel_health.sql, which says why.
ALTER TABLE panels ADD COLUMN health_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE panels ADD COLUMN health_checked_at BIGINT;
ALTER TABLE panels ADD COLUMN health_error TEXT;
ALTER TABLE panels ADD COLUMN down_since BIGINT;
