-- Daily summaries to a tenant's admins (SQLite). Mirrors ../postgres/0013_daily_summaries.sql.
-- One row per tenant and Tehran day, inserted together with the job that
-- sends the summary: the primary key makes "one summary a day" hold across
-- restarts and several processes.
CREATE TABLE daily_summaries (
    bot_id     INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    day_start  INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (bot_id, day_start)
);
