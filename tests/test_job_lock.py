"""The daily jobs run one copy at a time across processes (vault/job_lock.py).

On SQLite (the default) the lock is the data folder's ``jobs.lock``; with
``PELUIT_TEST_BACKEND=postgres`` every test that goes through
:func:`~vault.job_lock.open_job_lock` holds PostgreSQL's advisory lock
instead, on the test's own database, in a real second process.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from vault import database
from vault.daily_jobs import JOBS
from vault.job_lock import LOCK_NAME, FolderJobLock, PgJobLock, job_key, open_job_lock
from vault.pg_database import WRITE_LOCK
from web.cli import main

ROOT = Path(__file__).resolve().parent.parent


def hold_in_another_process(data: Path, job: str) -> subprocess.Popen[str]:
    """A process that takes ``job``'s lock, says ``held``, and keeps it until stdin closes.

    It inherits ``PELUIT_DATABASE_URL``: on PostgreSQL it holds the advisory lock.
    """
    code = textwrap.dedent(f"""
        import sys
        from vault.job_lock import open_job_lock
        with open_job_lock({str(data)!r}).hold({job!r}) as mine:
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


def kill(holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(30)
    for pipe in (holder.stdin, holder.stdout):
        if pipe is not None:
            pipe.close()


def taken_within(data: Path, job: str, seconds: float) -> bool:
    """Whether ``job``'s lock can be taken within ``seconds`` (PostgreSQL sees a
    closed connection a moment after the process died; SQLite at once)."""
    deadline = time.monotonic() + seconds
    while True:
        with open_job_lock(data).hold(job) as mine:
            if mine:
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_a_job_held_by_another_process_is_refused_and_others_are_not(
    tmp_path: Path, vault_backend: str
) -> None:
    holder = hold_in_another_process(tmp_path, "retention")
    try:
        with open_job_lock(tmp_path).hold("retention") as mine:
            assert not mine
        with open_job_lock(tmp_path).hold("notify") as mine:
            assert mine  # one lock per job: the other jobs are free
    finally:
        release(holder)
    with open_job_lock(tmp_path).hold("retention") as mine:
        assert mine  # the lock went with the process
    if vault_backend == "sqlite":
        assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME]
    else:
        assert list(tmp_path.iterdir()) == []  # nothing in the data folder: it is the server's


def test_a_killed_holders_job_can_be_taken_again(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, "deadlines")
    with open_job_lock(tmp_path).hold("deadlines") as mine:
        assert not mine
    kill(holder)
    assert holder.returncode == -signal.SIGKILL
    assert taken_within(tmp_path, "deadlines", 10)


def test_the_backend_picks_the_lock(tmp_path: Path, vault_backend: str) -> None:
    chosen = open_job_lock(tmp_path)
    assert isinstance(chosen, PgJobLock if vault_backend == "postgres" else FolderJobLock)


def test_an_unknown_job_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError), FolderJobLock(tmp_path).hold("vacuum"):
        pass
    with pytest.raises(ValueError), PgJobLock("postgresql:///unused").hold("vacuum"):
        pass  # refused before any connection


def test_job_keys_are_fixed_distinct_and_never_the_write_lock() -> None:
    keys = {job: job_key(job) for job in JOBS}
    assert len(set(keys.values())) == len(JOBS)
    assert WRITE_LOCK not in keys.values()
    assert all(-(2**63) <= key < 2**63 for key in keys.values())  # a PostgreSQL bigint
    # Fixed by the name, documented in vault/job_lock.py: a release that reorders
    # JOBS must still agree with the one before it during a rolling upgrade.
    assert keys["retention"] == int.from_bytes(
        __import__("hashlib").sha256(b"peluit/job-lock/v1/retention").digest()[:8],
        "big", signed=True,
    )  # fmt: skip


def test_postgres_a_second_connection_is_refused_and_the_write_lock_is_free(
    tmp_path: Path, pg_url: str
) -> None:
    """Session locks: a second connection (even in this process) is refused the
    same job, and holding a job never holds the vault's write lock."""
    import psycopg

    lock = PgJobLock(pg_url)
    with lock.hold("notify") as first:
        assert first
        with lock.hold("notify") as second:
            assert not second
        with lock.hold("backup") as other:
            assert other
        with psycopg.connect(pg_url, autocommit=True) as conn:
            assert conn.execute("SELECT pg_try_advisory_lock(%s)", [WRITE_LOCK]).fetchone() == (
                True,
            )
            held = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND (classid::bigint << 32 | objid::bigint) = %s",
                [job_key("notify") & 0xFFFF_FFFF_FFFF_FFFF],
            ).fetchone()
            assert held == (1,)  # the documented key is the one held
    with lock.hold("notify") as again:
        assert again  # closed with its connection


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
        # another job runs meanwhile, and writes (the write lock is not the job's)
        assert main(["--data", str(data), "deadlines", "close-due"]) == 0
        assert "0 cases closed" in capsys.readouterr().out
    finally:
        release(holder)
    assert main(["--data", str(data), "retention", "run"]) == 0
    assert "0 cases destroyed" in capsys.readouterr().out


def test_backup_runs_once_too(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    vault_backend: str,
) -> None:
    """``peluit backup`` takes the backup job's lock before it copies anything. On
    PostgreSQL there is nothing to run once: it refuses first, lock or not."""
    from bench.live_server import prepare_data

    monkeypatch.setenv("LANG", "C.UTF-8")
    data = tmp_path / "var"
    prepare_data(data)
    holder = hold_in_another_process(data, "backup")
    try:
        code = main(["--data", str(data), "backup", str(tmp_path / "b1")])
        err = capsys.readouterr().err
        if vault_backend == "sqlite":
            assert code == 0 and "hint: backup is already running elsewhere" in err
        else:
            assert code == 1 and "error: the vault is on PostgreSQL" in err
        assert not (tmp_path / "b1").exists()
    finally:
        release(holder)
    code = main(["--data", str(data), "backup", str(tmp_path / "b1")])
    assert code == (0 if vault_backend == "sqlite" else 1)
    assert (tmp_path / "b1").exists() == (vault_backend == "sqlite")


def test_selecting_postgres_in_the_process_selects_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL from the settings file (select_database) counts, not only the environment."""
    monkeypatch.delenv(database.DATABASE_URL_ENV, raising=False)
    database.select_database("postgresql:///elsewhere")
    try:
        chosen = open_job_lock(tmp_path)
        assert isinstance(chosen, PgJobLock) and chosen.url == "postgresql:///elsewhere"
    finally:
        database.select_database(None)
    assert isinstance(open_job_lock(tmp_path), FolderJobLock)


def test_a_job_whose_database_does_not_answer_says_so_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL down: the daily job fails (exit 1, systemd shows it) with one clear
    line in the reader's language, not a traceback, and without running."""
    monkeypatch.setenv(database.DATABASE_URL_ENV, f"postgresql:///p?host={tmp_path / 'none'}")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    data = tmp_path / "var"
    try:
        for lang, said in (
            ("C.UTF-8", "error: the database does not answer, so retention did not run: "),
            ("id_ID.UTF-8", "error: basis data tidak menjawab, jadi retention tidak dijalankan: "),
        ):
            monkeypatch.setenv("LANG", lang)
            assert main(["--data", str(data), "retention", "run"]) == 1
            err = capsys.readouterr().err
            assert said in err and "PELUIT_DATABASE_URL" in err
            assert "Traceback" not in err
    finally:
        database.select_database(None)
        database.close_pools()
