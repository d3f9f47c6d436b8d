-- PostgreSQL translation of vault/migrations/0009_unit_lifetime_daily_jobs.sql (same number, same meaning).
-- Units over their lifetime (vault/unit_lifetime.py): a retired unit takes no
-- new reports and names where reporters should go instead (another unit on
-- this vault, an https address, or both); its cases stay readable by their
-- reporters until retention destroys them.
ALTER TABLE units ADD COLUMN retired_day TEXT;
ALTER TABLE units ADD COLUMN forward_unit TEXT;
ALTER TABLE units ADD COLUMN forward_url TEXT;

-- The day (never a time) each daily job last completed, for peluit doctor.
CREATE TABLE daily_jobs (
    job TEXT PRIMARY KEY CHECK (job IN ('retention', 'deadlines', 'notify', 'backup')),
    last_day TEXT NOT NULL
);
