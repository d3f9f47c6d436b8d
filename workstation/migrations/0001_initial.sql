-- Peluit workstation store, version 1 (docs/spec/workstation-store-v1.md).
-- Metadata only: ids, references, statuses, kinds, DAYS, sizes and hashes
-- of ciphertext. Envelopes stay on disk encrypted exactly as they arrived;
-- triage is sealed with the workstation key; no plaintext column exists.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE imports (
    export_seq INTEGER PRIMARY KEY CHECK (export_seq > 0),
    since_seq INTEGER NOT NULL,
    created TEXT NOT NULL,
    imported_day TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    cases INTEGER NOT NULL,
    envelopes INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
    case_id TEXT PRIMARY KEY
        CHECK (length(case_id) = 32 AND case_id NOT GLOB '*[^0-9a-f]*'),
    reference TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_day TEXT NOT NULL,
    status_day TEXT NOT NULL,
    reporter_public_key BLOB NOT NULL CHECK (length(reporter_public_key) = 1216),
    first_export INTEGER NOT NULL,
    triage BLOB                             -- sealed with the workstation key, or NULL
) STRICT;

CREATE TABLE envelopes (
    item_id TEXT PRIMARY KEY
        CHECK (length(item_id) = 32 AND item_id NOT GLOB '*[^0-9a-f]*'),
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    seq INTEGER NOT NULL,                   -- order of arrival on this workstation
    kind TEXT NOT NULL
        CHECK (kind IN ('tip', 'attachment', 'identity', 'message', 'reply', 'forward')),
    author TEXT NOT NULL CHECK (author IN ('reporter', 'unit')),
    day TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    file TEXT NOT NULL UNIQUE               -- a fresh random name, never from the bundle
        CHECK (length(file) = 32 AND file NOT GLOB '*[^0-9a-f]*'),
    export_seq INTEGER NOT NULL,
    UNIQUE (case_id, seq)
) STRICT;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL CHECK (type IN ('reply', 'status', 'template')),
    case_id TEXT REFERENCES cases (case_id),
    item_id TEXT UNIQUE,                    -- reply: the reply envelope's item id
    envelope BLOB,                          -- reply: sealed to the reporter and the unit
    status TEXT,
    outcome TEXT,
    reason TEXT,
    target TEXT,
    template_id TEXT,
    text TEXT,                              -- template: the public standard text
    signature BLOB,
    queued_day TEXT NOT NULL,
    bundle_seq INTEGER,                     -- NULL until exported in a reply bundle
    settled INTEGER NOT NULL DEFAULT 0      -- status: a later import showed the online status
) STRICT;

CREATE TABLE reply_bundles (
    sequence INTEGER PRIMARY KEY CHECK (sequence > 0),
    day TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    entries INTEGER NOT NULL
) STRICT;

-- Every opening of an identity section, append-only.
CREATE TABLE identity_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    day TEXT NOT NULL,
    opened_with TEXT NOT NULL CHECK (opened_with IN ('unit', 'custodian'))
) STRICT;

CREATE TRIGGER identity_log_no_update BEFORE UPDATE ON identity_log
BEGIN
    SELECT RAISE(ABORT, 'the identity log is append-only');
END;

CREATE TRIGGER identity_log_no_delete BEFORE DELETE ON identity_log
BEGIN
    SELECT RAISE(ABORT, 'the identity log is append-only');
END;
