"""Is a data folder whole? The checks run after a crash, a restore or a full disk.

A data folder is consistent when:

- SQLite's ``PRAGMA integrity_check`` says ``ok`` and ``foreign_key_check``
  finds nothing;
- every envelope row has its ciphertext pieces, each starting where the one
  before it ends, of exactly the recorded size in all;
- every piece belongs to an envelope or to a staged upload (no orphan), and
  no ciphertext file of an earlier version is left (``blobs/``);
- every case has its tip and its first status event (no half-written case);
- the pepper and the instance salt are present with their sizes.

:func:`check_folder` reports every problem it finds instead of stopping at
the first, so an operator sees the whole picture. It only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vault.data_folder import INSTANCE_SALT_SIZE, PEPPER_SIZE, DataFolder
from vault.database import is_postgres, opened


@dataclass
class FolderCheck:
    cases: int = 0
    envelopes: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sqlite_checks(db: Any) -> list[str]:
    """SQLite's own page and foreign-key checks, as problems."""
    problems = []
    integrity = [row[0] for row in db.conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append("integrity_check: " + "; ".join(map(str, integrity[:5])))
    if db.conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        problems.append("foreign_key_check found rows without their parent")
    return problems


def check_folder(root: Path) -> FolderCheck:
    """Check the data folder at ``root`` (see the module docstring)."""
    folder = DataFolder(Path(root).absolute())
    secrets: list[str] = []
    for path, size in (
        (folder.pepper_path, PEPPER_SIZE),
        (folder.instance_salt_path, INSTANCE_SALT_SIZE),
    ):
        if not path.is_file() or path.stat().st_size != size:
            secrets.append(f"{path.name} is missing or damaged")
    report = check_database(folder)
    report.problems[:0] = secrets
    return report


def check_database(folder: DataFolder) -> FolderCheck:
    """The database's part of :func:`check_folder`: every check but the secrets'.

    On PostgreSQL the database is the server's (the data folder keeps only
    the secrets); ``blobs/`` is looked for in the data folder either way.
    """
    report = FolderCheck()
    with opened(folder.database_path) as db:
        if not is_postgres():  # PostgreSQL enforces foreign keys always; pages: its checksums
            report.problems += _sqlite_checks(db)
        report.cases = db.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        report.envelopes, report.bytes = db.conn.execute(
            "SELECT count(*), coalesce(sum(size), 0) FROM envelopes"
        ).fetchone()
        half = db.conn.execute(
            "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM envelopes e"
            " WHERE e.case_id = c.case_id AND e.kind = 'tip') OR NOT EXISTS"
            " (SELECT 1 FROM status_events s WHERE s.case_id = c.case_id AND s.seq = 1)"
        ).fetchone()[0]
        if half:
            report.problems.append(f"{half} cases without their tip or first status event")
        for (item_id,) in db.conn.execute(
            "SELECT e.item_id FROM envelopes e WHERE e.size != (SELECT"
            " coalesce(sum(length(p.data)), 0) FROM pieces p WHERE p.item_id = e.item_id)"
            " ORDER BY e.item_id LIMIT 20"
        ):
            report.problems.append(f"envelope {item_id} does not have its recorded size")
        gaps = db.conn.execute(
            "SELECT count(DISTINCT item_id) FROM (SELECT item_id, start, coalesce(lag(start"
            " + length(data)) OVER (PARTITION BY item_id ORDER BY start), 0) AS expected"
            " FROM pieces) AS laid WHERE start != expected"
        ).fetchone()[0]
        if gaps:
            report.problems.append(f"{gaps} items with a gap between their pieces")
        orphans = db.conn.execute(
            "SELECT count(DISTINCT item_id) FROM pieces p WHERE NOT EXISTS (SELECT 1 FROM"
            " envelopes e WHERE e.item_id = p.item_id) AND NOT EXISTS (SELECT 1 FROM"
            " upload_items u WHERE u.item_id = p.item_id)"
        ).fetchone()[0]
        if orphans:
            report.problems.append(f"{orphans} items of pieces without a row")
    if folder.blobs_path.exists():
        report.problems.append("blobs/ holds ciphertext files not yet moved into the database")
    return report
