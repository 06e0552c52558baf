-- Daily summaries to a tenant's admins (PostgreSQL). Mirrors ../sqlite/0013_daily_summaries.sql.
-- One row per tenant and Tehran day, inserted together with the job that
-- sends the summary: the primary key makes "one summary a day" hold across
-- restarts and several processes.
CREATE TABLE daily_summaries (
    bot_id     BIGINT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    day_start  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (bot_id, day_start)
);

ALTER TABLE daily_summaries ENABLE ROW LEVEL SECURITY;
ALTER TABLE daily_summaries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON daily_summaries USING (bazar_row_visible(bot_id)) WITH CHECK (bazar_row_visible(bot_id));
