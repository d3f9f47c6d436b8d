"""``peluit doctor``'s checks of the machine: mount options, clock, disk, the notify command,
and the shared state's Redis (docs/scale.md)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

from vault.data_folder import atime_mount
from web.doctor_checks import Context, Finding, ok, problem, skipped


def check_disk(ctx: Context) -> list[Finding]:
    usage = shutil.disk_usage(ctx.folder.root)
    free_gib = usage.free / (1 << 30)
    if usage.free < ctx.min_free_bytes or usage.free < usage.total // 10:
        return [
            problem(
                "disk",
                f"ruang kosong tinggal {free_gib:.1f} GiB",
                f"only {free_gib:.1f} GiB free",
                "tambah ruang disk; laporan baru ditolak saat disk penuh",
                "add disk space; new reports are refused when the disk is full",
            )
        ]
    return [ok("disk", f"{free_gib:.1f} GiB kosong", f"{free_gib:.1f} GiB free")]


# --- the machine ---------------------------------------------------------------


def _noatime_fix(point: str, data: Path) -> tuple[str, str]:
    """The data folder's own mount gets noatime, never all of ``/`` (deploy.md step 3)."""
    if point == str(data):
        return (
            f"tambahkan noatime di /etc/fstab untuk {data}, lalu: mount -o remount,noatime {data}",
            f"add noatime in /etc/fstab for {data}, then: mount -o remount,noatime {data}",
        )
    line = f"{data} {data} none bind,noatime 0 0"
    return (
        f"pasang folder data sendiri dengan noatime (partisi terpisah, atau bind mount:"
        f" baris '{line}' di /etc/fstab, lalu: mount {data}); lihat docs/deploy.md langkah 3",
        f"mount the data folder itself noatime (a separate partition, or a bind mount:"
        f" the line '{line}' in /etc/fstab, then: mount {data}); see docs/deploy.md step 3",
    )


def check_noatime(ctx: Context) -> list[Finding]:
    found = atime_mount(ctx.folder.root.resolve(), ctx.mountinfo)
    if found is None:
        return [skipped("noatime", "tabel mount tidak terbaca", "cannot read the mount table")]
    point, mode = found
    if mode != "noatime":
        return [
            problem(
                "noatime",
                f"{point} tidak di-mount dengan noatime: membaca laporan mencatat waktu",
                f"{point} is not mounted noatime: reading a report stamps a time",
                *_noatime_fix(point, ctx.folder.root.resolve()),
            )
        ]
    return [ok("noatime", f"{point} noatime", f"{point} noatime")]


def check_clock(ctx: Context) -> list[Finding]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo("Asia/Jakarta")
    except ZoneInfoNotFoundError:
        return [
            problem(
                "clock",
                "zona waktu Asia/Jakarta tidak tersedia",
                "the Asia/Jakarta time zone is missing",
                "apt install tzdata",
                "apt install tzdata",
            )
        ]
    if ctx.today.year < 2026:
        return [
            problem(
                "clock",
                f"jam sistem salah (tahun {ctx.today.year})",
                f"the system clock is wrong (year {ctx.today.year})",
                "atur jam dan aktifkan NTP: timedatectl set-ntp true",
                "set the clock and enable NTP: timedatectl set-ntp true",
            )
        ]
    synced = _ntp_synchronised()
    if synced is False:
        return [
            problem(
                "clock",
                "jam tidak disinkronkan (NTP)",
                "the clock is not synchronised (NTP)",
                "timedatectl set-ntp true",
                "timedatectl set-ntp true",
            )
        ]
    note_id = "" if synced else " (sinkronisasi NTP tidak dapat diperiksa di sini)"
    note_en = "" if synced else " (NTP synchronisation cannot be checked here)"
    return [
        ok(
            "clock",
            f"Asia/Jakarta, hari ini {ctx.today}{note_id}",
            f"Asia/Jakarta, today {ctx.today}{note_en}",
        )
    ]


def _ntp_synchronised() -> bool | None:
    if Path("/run/systemd/timesync/synchronized").exists():
        return True
    tool = shutil.which("timedatectl")
    if tool is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - a fixed system tool, no shell
            [tool, "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() == "yes"


def check_notify(ctx: Context) -> list[Finding]:
    command = ctx.settings.notify_command
    if not command:
        return [ok("notify", "tanpa notifikasi", "no notifications set")]
    program = shlex.split(command)[0]
    if not os.access(program, os.X_OK):
        return [
            problem(
                "notify",
                f"perintah notifikasi {program} tidak dapat dijalankan",
                f"the notify command {program} cannot be run",
                "periksa PELUIT_NOTIFY_COMMAND",
                "check PELUIT_NOTIFY_COMMAND",
            )
        ]
    return [ok("notify", f"perintah notifikasi {program}", f"notify command {program}")]


# Redis's clock against this machine's (docs/scale.md, "Clocks"): NTP keeps
# them within milliseconds; seconds apart means one of them is not synchronised.
CLOCK_APART_SECONDS = 5
_clock = time.time


def check_shared_state(ctx: Context) -> list[Finding]:
    """``PELUIT_STATE_URL``: one process, or a Redis that answers, keeps nothing on disk
    and never evicts (web/shared_state/redis_connection.py)."""
    url = ctx.settings.state_url
    if not url and ctx.settings.database_url:
        return [_postgres_alone()]
    if not url:
        return [
            ok(
                "state",
                "satu proses: keadaan sementara di memorinya",
                "one process: the ephemeral state in its memory",
            )
        ]
    from web.errors import StateUnavailable
    from web.shared_state import open_shared_state
    from web.shared_state.redis_connection import StateRefused, answering

    try:
        shared = open_shared_state(url)
    except StateRefused as refused:
        return [
            problem(
                "state",
                refused.indonesian,
                refused.english,
                'jalankan Redis dengan save "", appendonly no dan maxmemory-policy noeviction,'
                " pada soket unix atau jaringan privat (docs/scale.md)",
                'run Redis with save "", appendonly no and maxmemory-policy noeviction, on a'
                " unix socket or a private network (docs/scale.md)",
            )
        ]
    try:
        with answering(shared.client):
            seconds, micros = shared.client.time()
    except StateUnavailable:
        return [
            problem(
                "state",
                "Redis tidak menjawab TIME (waktu sesi staf diambil darinya)",
                "Redis does not answer TIME (staff sessions take their times from it)",
                "izinkan +time bagi pengguna ACL Peluit (docs/scale.md)",
                "allow +time to Peluit's ACL user (docs/scale.md)",
            )
        ]
    finally:
        shared.client.close()
    apart = round(abs(seconds + micros / 1_000_000 - _clock()))
    if apart > CLOCK_APART_SECONDS:
        return [
            problem(
                "state",
                f"jam Redis berbeda {apart} s dari jam mesin ini",
                f"Redis's clock is {apart} s away from this machine's",
                "sinkronkan jam semua mesin dan Redis dengan NTP (docs/scale.md, Jam)",
                "synchronise every machine's clock and Redis's with NTP (docs/scale.md, Clocks)",
            )
        ]
    return [
        ok(
            "state",
            "Redis menjawab dan tidak menyimpan apa pun ke disk",
            "Redis answers and keeps nothing on disk",
        )
    ]


def _postgres_alone() -> Finding:
    """PostgreSQL is for several processes; each would keep its own ephemeral state."""
    return problem(
        "state",
        "PELUIT_DATABASE_URL diisi tetapi PELUIT_STATE_URL tidak: setiap proses punya"
        " pembatas salah masuk, kunci bukti kerja, tantangan terpakai dan harga sendiri",
        "PELUIT_DATABASE_URL is set but PELUIT_STATE_URL is not: each process has its own"
        " sign-in throttle, proof-of-work keys, spent challenges and prices",
        "isi PELUIT_STATE_URL dengan Redis bersama (docs/scale.md); bila memang hanya satu"
        " proses di satu mesin, jalankan doctor dengan --skip state",
        "set PELUIT_STATE_URL to the shared Redis (docs/scale.md); if this really is one"
        " process on one machine, run doctor with --skip state",
    )
