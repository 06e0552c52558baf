-- Panel health (SQLite). Mirrors ../postgres/0018_panel_health.sql.
--
-- Every panel is probed periodically (`bazar_shop::panel_health`). A panel
-- that failed `health_failures` probes in a row is down from `down_since`:
-- purchases that need it are refused with "temporarily unavailable" instead
-- of being sold into hours of retries, and the admins it serves are told once
-- (the transition is one conditional UPDATE, so of several processes probing
-- the same panel only one reports it). The first good probe clears it.
-- `health_error` is the last failure as the adapters word it (never a secret).
ALTER TABLE panels ADD COLUMN health_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE panels ADD COLUMN health_checked_at INTEGER;
ALTER TABLE panels ADD COLUMN health_error TEXT;
ALTER TABLE panels ADD COLUMN down_since INTEGER;
