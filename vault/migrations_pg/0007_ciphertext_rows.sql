-- PostgreSQL translation of vault/migrations/0007_ciphertext_rows.sql (same number, same meaning).
-- Ciphertext lives in the database (issue 17, section 4): no file per report,
-- message or lookup, so the file system keeps no moment of any of them, and
-- secure_delete covers ciphertext too. An envelope's bytes are the pieces
-- with its item id, in order of ``start`` (each at most about 1 MiB; the
-- same layout carries over to PostgreSQL bytea).
CREATE TABLE pieces (
    item_id TEXT NOT NULL CHECK (length(item_id) = 32),
    start BIGINT NOT NULL CHECK (start >= 0),
    data BYTEA NOT NULL CHECK (length(data) > 0),
    PRIMARY KEY (item_id, start)
);

-- Upload sessions in progress: the session's name is a hash of its token,
-- its day is for expiry (day resolution, like every date the vault keeps).
CREATE TABLE upload_sessions (
    upload TEXT PRIMARY KEY,
    day TEXT NOT NULL
);

-- Attachments staged in a session: their pieces are in ``pieces`` already;
-- the commit of the case or message takes the row away (the pieces stay,
-- now owned by the envelope row with the same item id).
CREATE TABLE upload_items (
    item_id TEXT PRIMARY KEY,
    upload TEXT NOT NULL REFERENCES upload_sessions (upload) ON DELETE CASCADE,
    size BIGINT NOT NULL CHECK (size >= 0)
);
CREATE INDEX upload_items_by_upload ON upload_items (upload);
