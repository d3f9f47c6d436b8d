-- Quarantine (docs/spec/workstation-store-v1.md, "Quarantine"): export-bundle
-- entries that did not verify or open, kept exactly as they arrived under
-- store/quarantine/<fresh random name>, never shown as content and opened
-- again only by `peluit-ws quarantine retry`. A row of kind 'case' is a case
-- entry that failed with no envelope of its own in the bundle (no file).
-- Metadata only: ids, the reference, kind, days, sizes, hashes, check codes.

CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL
        CHECK (length(case_id) = 32 AND case_id NOT GLOB '*[^0-9a-f]*'),
    reference TEXT NOT NULL,
    item_id TEXT
        CHECK (item_id IS NULL OR (length(item_id) = 32 AND item_id NOT GLOB '*[^0-9a-f]*')),
    kind TEXT NOT NULL
        CHECK (kind IN ('case', 'tip', 'attachment', 'identity', 'message', 'reply', 'forward')),
    author TEXT,
    day TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
    file TEXT UNIQUE
        CHECK (file IS NULL OR (length(file) = 32 AND file NOT GLOB '*[^0-9a-f]*')),
    case_meta TEXT NOT NULL,                -- the case entry as it arrived (public metadata, JSON)
    export_seq INTEGER NOT NULL,
    quarantined_day TEXT NOT NULL,
    reason TEXT NOT NULL,                   -- the check that failed (a code)
    detail TEXT NOT NULL,                   -- why, in words (never plaintext)
    released_day TEXT,                      -- set when a retry or a later export imported it
    reported_seq INTEGER                    -- the reply bundle that told the online vault
) STRICT;

CREATE INDEX quarantine_item ON quarantine (item_id);
CREATE INDEX quarantine_case ON quarantine (case_id);
