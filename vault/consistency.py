"""Is a data folder whole? The checks run after a crash, a restore or a full disk.

A data folder is consistent when:

- SQLite's ``PRAGMA integrity_check`` says ``ok`` and ``foreign_key_check``
  finds nothing;
- every envelope row has its blob, of exactly the recorded size;
- every blob has its row (no orphan), and no temporary file is left in the
  blob store;
- every case has its tip and its first status event (no half-written case);
- the pepper and the instance salt are present with their sizes.

:func:`check_folder` reports every problem it finds instead of stopping at
the first, so an operator sees the whole picture. It only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vault.blob_store import BlobStore
from vault.data_folder import INSTANCE_SALT_SIZE, PEPPER_SIZE, DataFolder
from vault.database import opened
from vault.durable_file import TEMP_PREFIX


@dataclass
class FolderCheck:
    cases: int = 0
    envelopes: int = 0
    blobs: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_folder(root: Path) -> FolderCheck:
    """Check the data folder at ``root`` (see the module docstring)."""
    folder = DataFolder(Path(root).absolute())
    report = FolderCheck()
    for path, size in (
        (folder.pepper_path, PEPPER_SIZE),
        (folder.instance_salt_path, INSTANCE_SALT_SIZE),
    ):
        if not path.is_file() or path.stat().st_size != size:
            report.problems.append(f"{path.name} is missing or damaged")
    blobs = BlobStore(folder.blobs_path)
    with opened(folder.database_path) as db:
        integrity = [row[0] for row in db.conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            report.problems.append("integrity_check: " + "; ".join(map(str, integrity[:5])))
        if db.conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            report.problems.append("foreign_key_check found rows without their parent")
        rows = dict(db.conn.execute("SELECT item_id, size FROM envelopes").fetchall())
        report.cases = db.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        half = db.conn.execute(
            "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM envelopes e"
            " WHERE e.case_id = c.case_id AND e.kind = 'tip') OR NOT EXISTS"
            " (SELECT 1 FROM status_events s WHERE s.case_id = c.case_id AND s.seq = 1)"
        ).fetchone()[0]
        if half:
            report.problems.append(f"{half} cases without their tip or first status event")
    report.envelopes = len(rows)
    stored = set(blobs.item_ids())
    report.blobs = len(stored)
    for item_id, size in rows.items():
        if item_id not in stored:
            report.problems.append(f"blob {item_id} is missing")
        elif blobs.path_for(item_id).stat().st_size != size:
            report.problems.append(f"blob {item_id} has the wrong size")
    orphans = stored - set(rows)
    if orphans:
        report.problems.append(f"{len(orphans)} blobs without a row")
    temps = (
        [p for p in folder.blobs_path.rglob(f"{TEMP_PREFIX}*")]
        if folder.blobs_path.is_dir()
        else []
    )
    if temps:
        report.problems.append(f"{len(temps)} temporary files in the blob store")
    return report
