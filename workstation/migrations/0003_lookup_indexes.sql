-- Lookups done for every case shown or imported, without scanning a table.
--
-- A case is found by its id or by its reference in any letter case
-- ("wbs-2026-0042"). upper(reference) in a WHERE clause cannot use an index,
-- so the folded reference is a generated column (always equal to
-- upper(reference), never written by hand) with an index of its own.
ALTER TABLE cases ADD COLUMN reference_key TEXT
    GENERATED ALWAYS AS (upper(reference)) VIRTUAL;

CREATE INDEX cases_reference_key ON cases (reference_key);

-- Every query on the outbox for one case filters on case_id and type and
-- orders by id: pending status, queued replies and statuses, settling.
CREATE INDEX outbox_case ON outbox (case_id, type, id);
