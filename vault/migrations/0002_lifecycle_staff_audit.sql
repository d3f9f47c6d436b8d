-- Peluit vault schema, version 2: case lifecycle, deadlines, staff, audit log,
-- notifications. Days only (YYYY-MM-DD, Asia/Jakarta); codes, never free text.
-- The one time finer than a day is staff_users.totp_last_step (a 30-second
-- TOTP step of the account's last sign-in), kept so that a one-time code
-- cannot be replayed, even by another worker or after a restart.

-- The lifecycle's codes (vault/lifecycle.py) and the state a paused case
-- resumes to; closed_day starts the retention clock.
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN reason TEXT;
ALTER TABLE cases ADD COLUMN referral_target TEXT;
ALTER TABLE cases ADD COLUMN paused_from TEXT;
ALTER TABLE cases ADD COLUMN closed_day TEXT;

ALTER TABLE status_events ADD COLUMN outcome TEXT;
ALTER TABLE status_events ADD COLUMN reason TEXT;
ALTER TABLE status_events ADD COLUMN referral_target TEXT;

CREATE INDEX cases_unit_status ON cases (unit_id, status);

-- Working-day deadlines per unit; a unit without a row uses the defaults.
CREATE TABLE deadline_policies (
    unit_id TEXT PRIMARY KEY REFERENCES units (unit_id),
    triage INTEGER NOT NULL CHECK (triage BETWEEN 1 AND 366),
    first_followup INTEGER NOT NULL CHECK (first_followup BETWEEN 1 AND 366),
    feedback INTEGER NOT NULL CHECK (feedback BETWEEN 1 AND 366),
    conclusion INTEGER NOT NULL CHECK (conclusion BETWEEN 1 AND 366),
    auto_close INTEGER NOT NULL CHECK (auto_close BETWEEN 1 AND 366)
) STRICT;

CREATE TABLE staff_users (
    user_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE
        CHECK (length(username) BETWEEN 2 AND 32 AND username NOT GLOB '*[^a-z0-9._-]*'),
    role TEXT NOT NULL CHECK (role IN ('admin', 'inspector', 'auditor')),
    password_hash TEXT NOT NULL,           -- Argon2id, argon2-cffi's encoded form
    totp_secret TEXT NOT NULL,             -- base32
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_day TEXT NOT NULL
) STRICT;

-- The inspector a case is assigned to (staff data, not reporter data).
ALTER TABLE cases ADD COLUMN assignee INTEGER REFERENCES staff_users (user_id);

CREATE TABLE staff_units (
    user_id INTEGER NOT NULL REFERENCES staff_users (user_id),
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    PRIMARY KEY (user_id, unit_id)
) STRICT;

-- Append-only, hash-chained (vault/audit_log.py). audit_head holds the
-- chain's last hash and its length, so removing entries at the end shows.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,                  -- canonical JSON of codes
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;

INSERT INTO audit_head (id, count, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Which (unit, day) counts the notification hook has already been run for.
CREATE TABLE notifications_sent (
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    day TEXT NOT NULL,
    PRIMARY KEY (unit_id, day)
) STRICT;
