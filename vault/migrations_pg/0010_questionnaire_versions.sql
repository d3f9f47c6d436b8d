-- PostgreSQL translation of vault/migrations/0010_questionnaire_versions.sql (same number, same meaning).
-- Questionnaire versions a unit's administrator published in the console
-- (vault/questionnaires.py, docs/spec/questionnaire-v1.md). A row is never
-- updated or deleted: a version is immutable once published, and its id is
-- the SHA-256 of its canonical JSON, which the report page seals inside the
-- tip. The unit's current version is its highest; a unit without a row
-- uses the built-in questionnaire (web/questionnaires/).
CREATE TABLE questionnaire_versions (
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    version BIGINT NOT NULL CHECK (version >= 1),
    digest TEXT NOT NULL CHECK (length(digest) = 64),
    document BYTEA NOT NULL,
    published_day TEXT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, version)
);

CREATE FUNCTION questionnaire_versions_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a published questionnaire version never changes'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER questionnaire_versions_immutable BEFORE UPDATE ON questionnaire_versions
    FOR EACH ROW EXECUTE FUNCTION questionnaire_versions_immutable();
