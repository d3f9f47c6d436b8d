-- Questionnaire versions a unit's administrator published in the console
-- (vault/questionnaires.py, docs/spec/questionnaire-v1.md). A row is never
-- updated or deleted: a version is immutable once published, and its id is
-- the SHA-256 of its canonical JSON, which the report page seals inside the
-- tip. The unit's current version is its highest; a unit without a row
-- uses the built-in questionnaire (web/questionnaires/).
CREATE TABLE questionnaire_versions (
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    version INTEGER NOT NULL CHECK (version >= 1),
    digest TEXT NOT NULL CHECK (length(digest) = 64),
    document BLOB NOT NULL,
    published_day TEXT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, version)
) STRICT;

CREATE TRIGGER questionnaire_versions_immutable BEFORE UPDATE ON questionnaire_versions
BEGIN
    SELECT RAISE(ABORT, 'a published questionnaire version never changes');
END;
