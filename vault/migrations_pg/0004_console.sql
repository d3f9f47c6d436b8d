-- PostgreSQL translation of vault/migrations/0004_console.sql (same number, same meaning).
-- Peluit vault schema, version 4: the staff console's persistent account state.

-- An account whose password someone else chose (a new account's one-time
-- password, an administrator's reset) must choose its own before any other
-- console page opens; kept here so a restart does not forget it.
ALTER TABLE staff_users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));

-- The TOTP secret sealed (ChaCha20-Poly1305, associated data naming the
-- account) under the key in the data folder's staff_key file, never in the
-- database (vault/staff_totp.py). Rows from before this version still hold
-- the base32 secret in totp_secret; the console seals them at start and
-- empties totp_secret (secure_delete overwrites the old bytes).
ALTER TABLE staff_users ADD COLUMN totp_sealed BYTEA;

-- The "unassigned" filter and the per-unit assignee choice.
CREATE INDEX cases_unit_assignee ON cases (unit_id, assignee);
