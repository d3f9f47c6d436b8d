-- Quarantine and re-export (docs/spec/bundles-v1.md, "Quarantine"; issue 17).
-- Days only; ids, kinds and check codes, never content.

-- Cases an inspector asked to export again: the next export of the unit
-- carries the case and ALL its envelopes, exported before or not.
CREATE TABLE reexport_cases (
    case_id TEXT PRIMARY KEY REFERENCES cases (case_id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    day TEXT NOT NULL
) STRICT;

-- What the workstation reported held in quarantine (reply bundle entries
-- of type 0x14). case_id may name no case here (a case entry forged on the
-- way), so it is not a foreign key; a trigger removes a destroyed case's rows.
CREATE TABLE workstation_quarantine (
    id INTEGER PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units (unit_id),
    case_id TEXT NOT NULL CHECK (length(case_id) = 32 AND case_id NOT GLOB '*[^0-9a-f]*'),
    item_id TEXT CHECK (item_id IS NULL OR (length(item_id) = 32 AND item_id NOT GLOB '*[^0-9a-f]*')),
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    check_code TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    reported_day TEXT NOT NULL
) STRICT;

CREATE INDEX workstation_quarantine_case ON workstation_quarantine (case_id);
CREATE INDEX workstation_quarantine_unit ON workstation_quarantine (unit_id, id);

CREATE TRIGGER workstation_quarantine_case_gone AFTER DELETE ON cases
BEGIN
    DELETE FROM workstation_quarantine WHERE case_id = old.case_id;
END;
