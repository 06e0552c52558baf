-- Who claimed a running job (SQLite). Mirrors ../postgres/0015_job_claims.sql.
-- The claiming process's `node_id`: stable across its restarts, distinct
-- between processes on one database, so a restarted process takes back the
-- jobs it held when it died at once instead of waiting out their lease.
ALTER TABLE jobs ADD COLUMN claimed_by TEXT;
CREATE INDEX jobs_running_by ON jobs (claimed_by) WHERE status = 'running';
