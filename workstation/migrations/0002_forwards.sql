-- Forwarded summaries (docs/spec/forwarding-v1.md): what left this workstation,
-- to whom and when (a DAY), and which answer fields were included (their ids,
-- never their values). Append-only, like the identity log.

CREATE TABLE forwards (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    day TEXT NOT NULL,
    to_unit_id TEXT NOT NULL,
    to_fingerprint TEXT NOT NULL,
    target TEXT NOT NULL,
    fields TEXT NOT NULL,                   -- JSON list of included field ids
    identity INTEGER NOT NULL CHECK (identity IN (0, 1)),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64)
) STRICT;

CREATE TRIGGER forwards_no_update BEFORE UPDATE ON forwards
BEGIN
    SELECT RAISE(ABORT, 'the forwarding record is append-only');
END;

CREATE TRIGGER forwards_no_delete BEFORE DELETE ON forwards
BEGIN
    SELECT RAISE(ABORT, 'the forwarding record is append-only');
END;
