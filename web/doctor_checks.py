"""What ``peluit doctor`` checks on a deployment, one function per concern.

Each check returns :class:`Finding` s: ``ok``, a problem (``ok=False``) with
what is wrong and how to fix it, or skipped (``skipped=True``: it cannot
tell here, or was told not to look). Every text is Indonesian and English.
Nothing here changes the data folder: no file is created, no migration run.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vault.data_folder import INSTANCE_SALT_SIZE, PEPPER_SIZE, DataFolder
from vault.folder_survey import daily_job_days, has_database, on_postgres, registered_units
from vault.staff_totp import KEY_NAME as STAFF_KEY
from vault.staff_totp import KEY_SIZE as STAFF_KEY_SIZE
from vault.upgrade import schema_state
from vault.working_days import calendar_for

# systemctl enable takes no wildcard: the four timers by name.
TIMERS = " ".join(f"peluit-{job}.timer" for job in ("deadlines", "retention", "backup", "notify"))
# On PostgreSQL there is no peluit backup to run (docs/scale.md): three timers.
PG_TIMERS = " ".join(f"peluit-{job}.timer" for job in ("deadlines", "retention", "notify"))


@dataclass(frozen=True)
class Text:
    id: str
    en: str


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    what: Text
    fix: Text | None = None
    skipped: bool = False


@dataclass
class Context:
    """What the checks look at; tests point it at their own folders and URLs."""

    settings: Any
    today: dt.date
    backups: Path | None = None
    url: str | None = None
    ca_file: Path | None = None
    proxy_configs: list[Path] = field(default_factory=list)
    mountinfo: Path = Path("/proc/self/mountinfo")
    min_free_bytes: int = 2 << 30

    @property
    def folder(self) -> DataFolder:
        return DataFolder.locate(self.settings.data_dir)


def ok(check: str, id_: str, en: str) -> Finding:
    return Finding(check, True, Text(id_, en))


def problem(check: str, id_: str, en: str, fix_id: str, fix_en: str) -> Finding:
    return Finding(check, False, Text(id_, en), Text(fix_id, fix_en))


def skipped(check: str, id_: str, en: str) -> Finding:
    return Finding(check, True, Text(id_, en), skipped=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the data folder ---------------------------------------------------------------


def check_permissions(ctx: Context) -> list[Finding]:
    root = ctx.folder.root
    if not root.is_dir():
        return [
            problem(
                "permissions",
                f"folder data {root} tidak ada",
                f"the data folder {root} does not exist",
                "periksa PELUIT_DATA",
                "check PELUIT_DATA",
            )
        ]
    found = []
    loose = [p for p in [root, *root.iterdir()] if _mode(p) & 0o077]
    if loose:
        names = ", ".join(f"{p.name} ({_mode(p):04o})" for p in loose)
        found.append(
            problem(
                "permissions",
                f"bisa dibaca pengguna lain: {names}",
                f"readable by other users: {names}",
                f"chmod 0700 {root}; chmod 0600 {root}/* (folder: 0700)",
                f"chmod 0700 {root}; chmod 0600 {root}/* (folders: 0700)",
            )
        )
    foreign = [p.name for p in [root, *root.iterdir()] if p.stat().st_uid != os.geteuid()]
    if foreign:
        names = ", ".join(foreign)
        found.append(
            problem(
                "permissions",
                f"bukan milik pengguna ini: {names}",
                f"not owned by this user: {names}",
                f"chown -R <pengguna peluit> {root}",
                f"chown -R <the peluit user> {root}",
            )
        )
    config = ctx.settings.config_file
    if config is not None and Path(config).is_file() and _mode(Path(config)) & 0o022:
        found.append(
            problem(
                "permissions",
                f"berkas pengaturan {config} bisa ditulis orang lain",
                f"the settings file {config} is writable by others",
                f"chmod 0640 {config}",
                f"chmod 0640 {config}",
            )
        )
    return found or [ok("permissions", f"{root}: hanya pemiliknya", f"{root}: owner only")]


def check_secrets(ctx: Context) -> list[Finding]:
    root = ctx.folder.root
    wanted = {"pepper": PEPPER_SIZE, "instance_salt": INSTANCE_SALT_SIZE, STAFF_KEY: STAFF_KEY_SIZE}
    bad = [
        name
        for name, size in wanted.items()
        if not (root / name).is_file() or (root / name).stat().st_size != size
    ]
    if bad == [STAFF_KEY]:
        return [
            problem(
                "secrets",
                "staff_key belum ada: belum ada akun staf",
                "staff_key is missing: no staff account yet",
                "peluit user add NAMA --role admin membuatnya; bila akun sudah ada, pulihkan"
                " staff_key dari cadangan",
                "peluit user add NAME --role admin makes it; if accounts exist, restore staff_key"
                " from the backup",
            )
        ]
    if bad:
        names = ", ".join(bad)
        return [
            problem(
                "secrets",
                f"rahasia hilang atau rusak: {names}",
                f"secrets missing or damaged: {names}",
                "pulihkan dari cadangan terakhir (peluit restore); rahasia baru membuat kode tanda"
                " terima lama tidak berlaku",
                "restore them from the last backup (peluit restore); new ones would make every"
                " existing receipt code useless",
            )
        ]
    return [
        ok(
            "secrets",
            "pepper, instance_salt, staff_key ada",
            "pepper, instance_salt, staff_key present",
        )
    ]


def _newest_backup(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    import json

    found = []
    for entry in folder.iterdir():
        manifest = entry / "manifest.json"
        if entry.is_dir() and manifest.is_file():
            try:
                data = json.loads(manifest.read_text())
                found.append((str(data.get("day", "")), entry.name, entry, data))
            except (OSError, ValueError):
                continue
    if not found:
        return None
    _day, _name, path, data = max(found, key=lambda f: (f[0], f[1]))
    return path, data


def check_backup(ctx: Context) -> list[Finding]:
    if on_postgres():
        return [
            skipped(
                "backup",
                "basis data di PostgreSQL: cadangannya urusan PostgreSQL (pg_basebackup, arsip"
                " WAL; docs/scale.md); simpan juga salinan pepper, instance_salt, staff_key",
                "the database is on PostgreSQL: its backups are PostgreSQL's business"
                " (pg_basebackup, the WAL archive; docs/scale.md); keep a copy of pepper,"
                " instance_salt, staff_key too",
            )
        ]
    if ctx.backups is None:
        return [
            skipped(
                "backup",
                "tidak diperiksa: beri --backups FOLDER",
                "not checked: give --backups FOLDER",
            )
        ]
    newest = _newest_backup(ctx.backups) if ctx.backups.is_dir() else None
    if newest is None:
        return [
            problem(
                "backup",
                f"tidak ada cadangan di {ctx.backups}",
                f"no backup in {ctx.backups}",
                "jalankan peluit backup (timer harian)",
                "run peluit backup (the daily timer)",
            )
        ]
    path, manifest = newest
    files = manifest.get("files", {})
    missing = [n for n in ("pepper", "instance_salt", STAFF_KEY) if n not in files]
    found = []
    if missing:
        names = ", ".join(missing)
        found.append(
            problem(
                "backup",
                f"cadangan terakhir {path.name} tidak memuat {names}",
                f"the last backup {path.name} lacks {names}",
                "buat cadangan baru dengan rilis ini: peluit backup",
                "make a new one with this release: peluit backup",
            )
        )
    try:
        age = (ctx.today - dt.date.fromisoformat(str(manifest.get("day")))).days
    except ValueError:
        age = 9999
    if age > 2:
        found.append(
            problem(
                "backup",
                f"cadangan terakhir {path.name} berumur {age} hari",
                f"the last backup {path.name} is {age} days old",
                "periksa timer cadangan: systemctl status peluit-backup.timer",
                "check the backup timer: systemctl status peluit-backup.timer",
            )
        )
    return found or [
        ok(
            "backup",
            f"cadangan terakhir {path.name} lengkap",
            f"the last backup {path.name} is complete",
        )
    ]


def check_schema(ctx: Context) -> list[Finding]:
    if not has_database(ctx.folder):
        if on_postgres():
            return []  # the database check names the server that does not answer
        return [
            problem(
                "schema",
                "basis data tidak ada",
                "there is no database",
                "periksa PELUIT_DATA",
                "check PELUIT_DATA",
            )
        ]
    state = schema_state(ctx.folder.root)
    if state.pending:
        return [
            problem(
                "schema",
                f"skema versi {state.current}, rilis ini butuh {state.latest}",
                f"schema at version {state.current}, this release needs {state.latest}",
                "peluit migrate (membuat cadangan dulu)",
                "peluit migrate (makes a backup first)",
            )
        ]
    return [ok("schema", f"skema versi {state.current}", f"schema at version {state.current}")]


def _units(ctx: Context) -> list[Any]:
    return registered_units(ctx.folder)


def check_demo_unit(ctx: Context) -> list[Finding]:
    origin = ctx.settings.public_url
    demos = [u.unit_id for u in _units(ctx) if u.unit_id.startswith("demo")]
    if demos and not (origin is not None and origin.is_loopback):
        names = ", ".join(demos)
        return [
            problem(
                "demo",
                f"unit demo masih terdaftar di server produksi: {names}",
                f"a demo unit is still registered on a production server: {names}",
                f"peluit unit remove {demos[0]}",
                f"peluit unit remove {demos[0]}",
            )
        ]
    return [ok("demo", "tidak ada unit demo", "no demo unit")]


def check_holidays(ctx: Context) -> list[Finding]:
    years = [ctx.today.year, ctx.today.year + 1]
    missing = calendar_for(ctx.folder.root).missing_years(years)
    if missing:
        names = ", ".join(str(y) for y in missing)
        return [
            problem(
                "holidays",
                f"cuti bersama tahun {names} belum ada",
                f"no cuti bersama dates for {names}",
                f"tambahkan tahun {names} dari SKB ke {ctx.folder.root}/cuti_bersama.json",
                f"add {names} from the SKB to {ctx.folder.root}/cuti_bersama.json",
            )
        ]
    return [
        ok(
            "holidays",
            f"cuti bersama {years[0]} dan {years[1]} ada",
            f"cuti bersama for {years[0]} and {years[1]} present",
        )
    ]


def check_daily_jobs(ctx: Context) -> list[Finding]:
    days = daily_job_days(ctx.folder)
    if days is None:
        return []
    jobs = {
        "retention": "peluit retention run",
        "deadlines": "peluit deadlines close-due",
    }
    if not on_postgres():  # on PostgreSQL backups are the server's (check_backup)
        jobs["backup"] = "peluit backup"
    if ctx.settings.notify_command:
        jobs["notify"] = "peluit notify run"
    late = []
    for job, command in jobs.items():
        last = days.get(job)
        if last is None or (ctx.today - last).days > 2:
            late.append((command, last.isoformat() if last else None))
    if late:
        names_id = "; ".join(f"{c} ({d or 'tidak pernah'})" for c, d in late)
        names_en = "; ".join(f"{c} ({d or 'never'})" for c, d in late)
        timers = PG_TIMERS if on_postgres() else TIMERS
        return [
            problem(
                "jobs",
                f"tugas harian tidak berjalan: {names_id}",
                f"daily jobs have not run: {names_en}",
                f"aktifkan timer: systemctl enable --now {timers}",
                f"enable the timers: systemctl enable --now {timers}",
            )
        ]
    return [ok("jobs", "tugas harian berjalan", "daily jobs have run")]


Check = Callable[[Context], list[Finding]]
