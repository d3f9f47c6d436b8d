"""The daily jobs run one copy at a time across processes (vault/job_lock.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vault.job_lock import LOCK_NAME, FolderJobLock
from web.cli import main

ROOT = Path(__file__).resolve().parent.parent


def hold_in_another_process(data: Path, job: str) -> subprocess.Popen[str]:
    """A process that takes ``job``'s lock, says ``held``, and keeps it until stdin closes."""
    code = textwrap.dedent(f"""
        import sys
        from vault.job_lock import FolderJobLock
        with FolderJobLock({str(data)!r}).hold({job!r}) as mine:
            print("held" if mine else "refused", flush=True)
            sys.stdin.read()
    """)
    holder = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(30)
    if holder.stdout is not None:
        holder.stdout.close()


def test_a_job_held_by_another_process_is_refused_and_others_are_not(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, "retention")
    try:
        with FolderJobLock(tmp_path).hold("retention") as mine:
            assert not mine
        with FolderJobLock(tmp_path).hold("notify") as mine:
            assert mine  # one byte per job: the other jobs are free
    finally:
        release(holder)
    with FolderJobLock(tmp_path).hold("retention") as mine:
        assert mine  # the lock went with the process
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME]


def test_an_unknown_job_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError), FolderJobLock(tmp_path).hold("vacuum"):
        pass


def test_retention_run_skips_while_another_copy_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.live_server import prepare_data

    monkeypatch.setenv("LANG", "C.UTF-8")
    data = tmp_path / "var"
    prepare_data(data)
    holder = hold_in_another_process(data, "retention")
    try:
        assert main(["--data", str(data), "retention", "run"]) == 0
        captured = capsys.readouterr()
        assert "hint: retention is already running elsewhere" in captured.err
        assert "cases destroyed" not in captured.out
    finally:
        release(holder)
    assert main(["--data", str(data), "retention", "run"]) == 0
    assert "0 cases destroyed" in capsys.readouterr().out
