-- PostgreSQL translation of vault/migrations/0005_case_listing.sql (same number, same meaning).
-- The console's case list pages newest first within a unit, optionally for
-- one status; these indexes serve that order directly (a backwards scan), so
-- a page of 50 out of 100,000 cases needs no sort.
CREATE INDEX cases_unit_listing ON cases (unit_id, submitted_day, reference);
CREATE INDEX cases_unit_status_listing ON cases (unit_id, status, submitted_day, reference);
