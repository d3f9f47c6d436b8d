"""No exact time on disk (issue 17, section 4): the file system keeps no moment
of a report, message or lookup, and the database files are the owner's only.

Activities are spaced a few seconds apart; afterwards every time stamp the
file system keeps of everything in the data folder (mtime, ctime, atime and,
where the file system has it, birth time through ``statx``) must fall
outside the window of every activity but the most recent one (which the
database files may show: "the most recent activity of the whole vault").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from vault_fixtures import make_reporter, make_unit, new_id, open_store, seal, submission

# On PostgreSQL the vault has no SQLite file to back up, migrate from or time (docs/scale.md).
pytestmark = pytest.mark.sqlite_only

GAP_SECONDS = 2.5
SLACK_SECONDS = 0.6  # file times come from a coarse kernel clock


class _Timestamp(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_int64), ("nsec", ctypes.c_uint32), ("_pad", ctypes.c_int32)]


class _Statx(ctypes.Structure):
    _fields_ = [
        ("mask", ctypes.c_uint32),
        ("blksize", ctypes.c_uint32),
        ("attributes", ctypes.c_uint64),
        ("nlink", ctypes.c_uint32),
        ("uid", ctypes.c_uint32),
        ("gid", ctypes.c_uint32),
        ("mode", ctypes.c_uint16),
        ("_spare0", ctypes.c_uint16),
        ("ino", ctypes.c_uint64),
        ("size", ctypes.c_uint64),
        ("blocks", ctypes.c_uint64),
        ("attributes_mask", ctypes.c_uint64),
        ("atime", _Timestamp),
        ("btime", _Timestamp),
        ("ctime", _Timestamp),
        ("mtime", _Timestamp),
        ("_rest", ctypes.c_uint64 * 20),
    ]


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_AT_FDCWD = -100
_AT_SYMLINK_NOFOLLOW = 0x100
_STATX_ALL = 0xFFF
_STATX_BTIME = 0x800


def file_times(path: Path) -> dict[str, float]:
    """Every time stamp the file system keeps for ``path`` (birth time where it has one)."""
    buf = _Statx()
    name = os.fsencode(path)
    if _LIBC.statx(_AT_FDCWD, name, _AT_SYMLINK_NOFOLLOW, _STATX_ALL, ctypes.byref(buf)):
        raise OSError(ctypes.get_errno(), "statx failed", str(path))
    times = {
        name: getattr(buf, name).sec + getattr(buf, name).nsec / 1e9
        for name in ("atime", "ctime", "mtime")
    }
    if buf.mask & _STATX_BTIME:
        times["btime"] = buf.btime.sec + buf.btime.nsec / 1e9
    return times


def everything(root: Path) -> list[Path]:
    """The folder and all in it, listed before anything is stat'ed (listing a
    folder is itself a read that may set the folder's atime)."""
    return [root, *root.rglob("*")]


def test_statx_reads_what_os_stat_reads(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.write_bytes(b"x")
    os.utime(probe, (1_000_000, 2_000_000))
    times = file_times(probe)
    assert (times["atime"], times["mtime"]) == (1_000_000, 2_000_000)
    assert times["ctime"] == pytest.approx(probe.stat().st_ctime)


# Left complex on purpose (C901): the steps are closures over one store and one reporter, read in
# the order they run; split apart, the scenario would no longer read as one.
def test_no_file_time_reveals_an_earlier_report_message_or_lookup(tmp_path: Path) -> None:  # noqa: C901
    data = tmp_path / "var"
    store = open_store(data)
    unit = make_unit()
    store.register_unit(unit.card)
    windows: list[tuple[str, float, float]] = []

    def activity(name: str, work: Callable[[], object]) -> None:
        time.sleep(GAP_SECONDS)
        start = time.time()
        work()
        windows.append((name, start, time.time()))

    reporter = make_reporter()
    first = submission(unit, reporter=reporter)

    def report_with_attachment() -> None:
        token = store.open_upload()
        attachment = new_id()
        sealed = seal(unit, reporter, first.case_id, "attachment", attachment, b"A" * 300_000)
        store.append_upload(token, attachment, 0, [sealed])
        store.create_case(
            submission(
                unit,
                reporter=reporter,
                case_id=first.case_id,
                upload_token=token,
                attachment_ids=(attachment,),
            ).new
        )

    def lookup() -> None:
        case = store.find_case(first.new.selector, first.new.validator)
        assert case is not None
        for info in store.list_envelopes(case.case_id):
            assert b"".join(store.stream_envelope(case.case_id, info.item_id))

    def message() -> None:
        item = new_id()
        store.append_reporter_message(
            first.case_id, item, seal(unit, reporter, first.case_id, "message", item, b"lagi")
        )

    def staging_only() -> None:
        token = store.open_upload()
        item = new_id()
        sealed = seal(unit, reporter, first.case_id, "attachment", item, b"B" * 200_000)
        store.append_upload(token, item, 0, [sealed])

    activity("report", report_with_attachment)
    activity("lookup", lookup)
    activity("message", message)
    activity("upload", staging_only)
    activity("second lookup", lookup)
    activity("last report", lambda: store.create_case(submission(unit).new))

    leaks = []
    for path in everything(data):
        for kind, moment in file_times(path).items():
            for name, start, end in windows[:-1]:
                if start - SLACK_SECONDS <= moment <= end + SLACK_SECONDS:
                    leaks.append(f"{path.relative_to(tmp_path)} {kind} = the {name}")
    store.close()
    assert leaks == []


def test_a_lookup_stamps_no_access_time(tmp_path: Path) -> None:
    """Reads leave no atime (O_NOATIME, the parked atime). A lookup may move the
    database files' mtime to *now* (the most recent activity), nothing else."""
    data = tmp_path / "var"
    store = open_store(data)
    unit = make_unit()
    store.register_unit(unit.card)
    sub = submission(unit)
    store.create_case(sub.new)
    time.sleep(GAP_SECONDS)
    before = {path: file_times(path)["atime"] for path in everything(data)}
    case = store.find_case(sub.new.selector, sub.new.validator)
    assert case is not None
    assert b"".join(store.stream_envelope(case.case_id, sub.tip_id))
    assert store.instance_salt()
    after = {path: file_times(path)["atime"] for path in everything(data)}
    store.close()
    assert after == before


def test_database_files_are_the_owners_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = open_store(tmp_path / "var")
        unit = make_unit()
        store.register_unit(unit.card)
        store.create_case(submission(unit).new)
        names = (
            "vault.sqlite3",
            "vault.sqlite3-wal",
            "vault.sqlite3-shm",
            "vault.sqlite3-writer.lock",
        )
        modes = {name: stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) for name in names}
        store.close()
    finally:
        os.umask(old)
    assert modes == dict.fromkeys(names, 0o600)


def test_the_workstation_database_files_are_the_owners_only(tmp_path: Path) -> None:
    from workstation.database import connect

    old = os.umask(0o022)
    try:
        conn = connect(tmp_path / "workstation.sqlite")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        names = ("workstation.sqlite", "workstation.sqlite-wal", "workstation.sqlite-shm")
        modes = {name: stat.S_IMODE((tmp_path / name).stat().st_mode) for name in names}
        conn.close()
    finally:
        os.umask(old)
    assert modes == dict.fromkeys(names, 0o600)


def test_atime_mode_reads_the_mount_of_the_data_folder(tmp_path: Path) -> None:
    from vault.data_folder import atime_mode

    table = tmp_path / "mountinfo"
    table.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        "30 22 8:2 / /srv rw,nosuid shared:2 - ext4 /dev/sdb1 rw\n"
        "31 30 8:3 / /srv/peluit\\040data rw,noatime shared:3 - ext4 /dev/sdc1 rw\n"
        "32 22 0:5 / /srv/peluitx rw,relatime shared:4 - tmpfs tmpfs rw\n"
    )
    assert atime_mode(Path("/srv/peluit data/var"), table) == "noatime"
    assert atime_mode(Path("/srv/peluit data"), table) == "noatime"
    assert atime_mode(Path("/srv/other"), table) == "strictatime"
    assert atime_mode(Path("/srv/peluitx/var"), table) == "relatime"
    assert atime_mode(Path("/home/x"), table) == "relatime"
    assert atime_mode(Path("/srv"), tmp_path / "missing") == "unknown"
    assert atime_mode(tmp_path) in ("noatime", "relatime", "strictatime")  # the real table


def test_sqlites_descriptors_read_without_access_times(tmp_path: Path) -> None:
    import fcntl

    from vault.database import connect

    db = connect(tmp_path / "vault.sqlite3")
    db.conn.execute("CREATE TABLE t (x)")
    flags = {}
    for entry in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{entry}")
        except OSError:
            continue
        if target.startswith(str(tmp_path)):
            flags[Path(target).name] = bool(fcntl.fcntl(int(entry), fcntl.F_GETFL) & os.O_NOATIME)
    db.close()
    assert flags == dict.fromkeys(["vault.sqlite3", "vault.sqlite3-wal", "vault.sqlite3-shm"], True)
