-- Questionnaire versions the unit published, as export bundles carried them
-- (docs/spec/questionnaire-v1.md): canonical JSON by its SHA-256, checked on
-- import. A tip names the version it was made with (questionnaire_digest,
-- inside the sealed tip) and is read with that version's labels; a tip that
-- names none, or one not stored here, is read with the built-in form.
CREATE TABLE questionnaire_versions (
    digest TEXT PRIMARY KEY CHECK (length(digest) = 64),
    version INTEGER NOT NULL,
    document BLOB NOT NULL,
    export_seq INTEGER NOT NULL
) STRICT;
