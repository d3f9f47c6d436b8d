-- PostgreSQL translation of vault/migrations/0003_bundles.sql (same number, same meaning).
-- Peluit vault schema, version 3: bundles across the air gap
-- (docs/spec/bundles-v1.md). Days only; ids, counts and codes, no content.

-- One row per export bundle written completely (and fsynced) for a unit.
CREATE TABLE bundle_exports (
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    export_seq BIGINT NOT NULL CHECK (export_seq > 0),
    day TEXT NOT NULL,
    cases BIGINT NOT NULL CHECK (cases >= 0),
    envelopes BIGINT NOT NULL CHECK (envelopes >= 0),
    bytes BIGINT NOT NULL CHECK (bytes >= 0),
    PRIMARY KEY (unit_id, export_seq)
);

-- Which envelopes an export carried: an envelope is exported once. Rows go
-- with their envelope when a case is destroyed.
CREATE TABLE exported_envelopes (
    item_id TEXT PRIMARY KEY REFERENCES envelopes (item_id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL,
    export_seq BIGINT NOT NULL,
    FOREIGN KEY (unit_id, export_seq) REFERENCES bundle_exports (unit_id, export_seq)
);

CREATE INDEX exported_envelopes_export ON exported_envelopes (unit_id, export_seq);

-- Per case: the last export that carried it and the status event it showed,
-- so a later status event makes the case "changed" again.
CREATE TABLE exported_cases (
    case_id TEXT PRIMARY KEY REFERENCES cases (case_id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL,
    export_seq BIGINT NOT NULL,
    status_seq BIGINT NOT NULL CHECK (status_seq >= 0),
    FOREIGN KEY (unit_id, export_seq) REFERENCES bundle_exports (unit_id, export_seq)
);

-- The last reply bundle applied per unit (the next must be last + 1).
CREATE TABLE reply_bundle_sequence (
    unit_id TEXT PRIMARY KEY REFERENCES units (unit_id),
    last_sequence BIGINT NOT NULL CHECK (last_sequence > 0),
    day TEXT NOT NULL
);

-- Standard acknowledgements signed on the workstation (unit-card-v1.md,
-- "Standard messages"); the console sends one by its id.
CREATE TABLE ack_templates (
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    template_id TEXT NOT NULL
        CHECK (length(template_id) BETWEEN 1 AND 64 AND template_id !~ '[^a-z0-9-]'),
    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    signature BYTEA NOT NULL CHECK (length(signature) = 64),
    day TEXT NOT NULL,
    PRIMARY KEY (unit_id, template_id)
);
