-- PostgreSQL translation of vault/migrations/0012_new_report_notices.sql (same number, same meaning).
-- New-report notifications per unit (vault/notifications.py): a unit listed
-- here is skipped by `peluit notify run`. Every unit is notified unless its
-- administrator turned it off in the console's unit settings.
CREATE TABLE notify_off (
    unit_id TEXT PRIMARY KEY REFERENCES units (unit_id)
);
