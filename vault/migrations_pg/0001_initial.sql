-- PostgreSQL translation of vault/migrations/0001_initial.sql (same number, same meaning).
-- Peluit vault schema, version 1.
-- Everything the online server keeps is here (docs/design.md, "What the online
-- server may know"): opaque ids, hashed lookups, public keys, ciphertext sizes
-- as the client padded them, statuses and DAYS (YYYY-MM-DD, Asia/Jakarta).
-- No IP address, user agent, exact time, file name, file type, plaintext
-- length, receipt code or plaintext has a column.

CREATE TABLE units (
    unit_id TEXT PRIMARY KEY
        CHECK (length(unit_id) BETWEEN 1 AND 64 AND unit_id !~ '[^a-z0-9-]'),
    name TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    card_created TEXT NOT NULL,            -- the card's own creation date
    card BYTEA NOT NULL,                    -- the signed card as registered (public)
    ed25519_public_key BYTEA NOT NULL CHECK (length(ed25519_public_key) = 32),
    xwing_public_key BYTEA NOT NULL CHECK (length(xwing_public_key) = 1216),
    fingerprint TEXT NOT NULL,
    registered_day TEXT NOT NULL,
    card_day TEXT NOT NULL                 -- day the current card was registered
);

CREATE TABLE unit_settings (
    unit_id TEXT PRIMARY KEY REFERENCES units (unit_id),
    retention_days BIGINT NOT NULL DEFAULT 730 CHECK (retention_days > 0),
    daily_case_ceiling BIGINT NOT NULL DEFAULT 200 CHECK (daily_case_ceiling >= 0),
    questionnaire TEXT NOT NULL DEFAULT 'wbs-default'
);

CREATE TABLE reference_counters (
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    year BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE cases (
    case_id TEXT PRIMARY KEY
        CHECK (length(case_id) = 32 AND case_id !~ '[^0-9a-f]'),
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    reference TEXT NOT NULL,               -- staff reference, e.g. WBS-2026-0042
    lookup BYTEA NOT NULL UNIQUE CHECK (length(lookup) = 32),          -- HMAC(pepper, selector)
    validator_hash BYTEA NOT NULL CHECK (length(validator_hash) = 32),
    reporter_public_key BYTEA NOT NULL CHECK (length(reporter_public_key) = 1216),
    status TEXT NOT NULL
        CHECK (status IN ('diterima', 'diverifikasi', 'perlu_informasi', 'dilimpahkan',
        'tidak_dapat_ditindaklanjuti', 'ditindaklanjuti', 'selesai', 'ditutup')),
    submitted_day TEXT NOT NULL,
    status_day TEXT NOT NULL,
    UNIQUE (unit_id, reference)
);

CREATE INDEX cases_unit_day ON cases (unit_id, submitted_day);

CREATE TABLE envelopes (
    item_id TEXT PRIMARY KEY
        CHECK (length(item_id) = 32 AND item_id !~ '[^0-9a-f]'),
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('tip', 'attachment', 'identity', 'message', 'reply', 'forward')),
    author TEXT NOT NULL CHECK (author IN ('reporter', 'unit')),
    size BIGINT NOT NULL CHECK (size > 0),  -- ciphertext bytes (padded by the client)
    day TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE status_events (
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    seq BIGINT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('diterima', 'diverifikasi', 'perlu_informasi', 'dilimpahkan',
        'tidak_dapat_ditindaklanjuti', 'ditindaklanjuti', 'selesai', 'ditutup')),
    day TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
