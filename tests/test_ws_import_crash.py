"""A batched import is all or nothing across a crash: SIGKILL at each stage of it.

The import writes every envelope to ``staging/`` first, links the new ones
into ``envelopes/``, makes them durable together (one ``syncfs``, or an
fsync per file: workstation/durable.py) and then writes every row in one
transaction. A child process runs a real import and kills itself with
SIGKILL at a chosen moment, found with Python's audit hooks (``open`` of a
staged file, ``os.link``, the ``syncfs`` call through ctypes) or SQLite's
trace callback (the last row, inside the transaction): nothing of our code
is replaced. Then the store is opened again in this process.

- killed before the commit: the store is exactly as before the import
  (rows and files), and the same bundle then imports normally;
- killed right after ``import_bundle`` returned: everything is there and
  every envelope opens.

SIGKILL shows that no state lives only in the process (buffers, an open
transaction); it cannot show what a power cut would lose, which is what the
fsync or syncfs is for.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_ws_support import (
    PASSPHRASE,
    TODAY,
    export_bundle,
    make_workstation,
    report_case,
    snapshot,
)

from crypto.secret import SecretStr
from workstation.desk import Desk

ROOT = Path(__file__).resolve().parent.parent
CASES = 6

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from crypto.secret import SecretStr
    from workstation.desk import Desk
    from test_ws_support import PASSPHRASE, TODAY

    folder, bundle = Path(sys.argv[1]), Path(sys.argv[2])
    stage, after = sys.argv[3], int(sys.argv[4])
    seen = 0

    def die_at(count):
        global seen
        seen += 1
        if seen >= count:
            os.kill(os.getpid(), signal.SIGKILL)

    def audit(event, args):
        if stage == "spill" and event == "open" and "/staging/" in str(args[0]):
            die_at(after)
        elif stage == "link" and event == "os.link":
            die_at(after)
        elif stage == "sync" and event == "ctypes.call_function":
            die_at(after)

    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        if stage == "last_row":
            desk.store._conn.set_trace_callback(
                lambda sql: sql.startswith("INSERT INTO imports") and die_at(after)
            )
        sys.addaudithook(audit)
        desk.import_bundle(bundle)
        if stage == "returned":
            os.kill(os.getpid(), signal.SIGKILL)
    print("finished")
    """
)


def _run_child(
    folder: Path, bundle: Path, stage: str, after: int
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(bundle), stage, str(after)],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _prepare(tmp_path: Path) -> tuple[Path, Path, dict[str, object]]:
    """A store that already holds one import, and a second bundle of ``CASES`` cases."""
    folder = tmp_path / "ws"
    card = make_workstation(folder)
    first = tmp_path / "export-0001.peluit"
    first.write_bytes(export_bundle(card.unit_id, [report_case(card, "WBS-2026-0001")]))
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        desk.import_bundle(first)
    cases = [
        report_case(
            card, f"WBS-2026-{n:04d}", attachments=[("a.pdf", "application/pdf", b"%PDF-1.4 x")]
        )
        for n in range(2, 2 + CASES)
    ]
    second = tmp_path / "export-0002.peluit"
    second.write_bytes(export_bundle(card.unit_id, cases, export_seq=2))
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY):
        pass  # the store as any later open leaves it
    return folder, second, snapshot(folder)


@pytest.mark.parametrize(
    ("stage", "after"),
    [
        ("spill", 1),  # the first staged file is being created
        ("spill", CASES),  # halfway through the bundle
        ("link", 1),  # every entry checked, the first link into envelopes/
        ("link", CASES * 2),  # every file linked, not yet durable
        ("sync", 1),  # the one syncfs of the batch
        ("last_row", 1),  # inside the transaction, its last statement
    ],
)
def test_killed_during_an_import_leaves_the_store_as_before(
    tmp_path: Path, stage: str, after: int
) -> None:
    folder, bundle, before = _prepare(tmp_path)
    child = _run_child(folder, bundle, stage, after)
    if stage == "sync" and child.returncode == 0:
        # This system has no syncfs that reports errors (durable.py falls back to
        # fsync per file, which raises no audit event): there was no moment to die at.
        assert "finished" in child.stdout
        return
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "finished" not in child.stdout
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        assert snapshot(folder) == before
        assert [c.reference for c in desk.cases()] == ["WBS-2026-0001"]
        result = desk.import_bundle(bundle)  # nothing half-done is in the way
        assert result.new_envelopes == CASES * 2
        assert len(desk.cases()) == CASES + 1


def test_killed_right_after_an_import_returned_keeps_all_of_it(tmp_path: Path) -> None:
    folder, bundle, before = _prepare(tmp_path)
    child = _run_child(folder, bundle, "returned", 1)
    assert child.returncode == -signal.SIGKILL, child.stderr
    with Desk.open(folder, SecretStr(PASSPHRASE), today=TODAY) as desk:
        assert snapshot(folder) != before
        assert len(desk.cases()) == CASES + 1
        for n in range(2, 2 + CASES):
            view = desk.case(f"WBS-2026-{n:04d}")
            assert view.reading.tip_error == ""
            assert view.reading.answers
            assert [a.error for a in view.reading.attachments] == [""]
        recorded = desk.store._conn.execute("SELECT sha256 FROM imports WHERE export_seq = 2")
        assert recorded.fetchone()[0] == hashlib.sha256(bundle.read_bytes()).hexdigest()
        rows = desk.store._conn.execute("SELECT file FROM envelopes").fetchall()
        assert len(rows) == 1 + CASES * 2
        assert {p.name for p in desk.store.envelopes_dir.iterdir()} == {r[0] for r in rows}
