"""``peluit doctor``: is this deployment safe to run? What is wrong, and how to fix it.

  peluit doctor [--url https://…] [--ca-file PEM] [--backups DIR]
                [--proxy-config PATH]... [--skip CHECK]...

Prints one line per check, Indonesian then English, and for each problem
the fix; exits 1 when anything is wrong, 0 when everything checked is good.
``--skip`` leaves a check out (e.g. ``https`` where the proxy is not
reachable from this machine). It reads, never writes: no data folder is
created, no migration is run (``schema`` says when ``peluit migrate`` is
due).

Checks: permissions, secrets, backup, database, pg_quiet, schema, public_url,
https, access_log, clock, holidays, demo, disk, jobs, noatime, notify, state
(web/doctor_checks.py, web/doctor_database.py, web/doctor_web.py,
web/doctor_machine.py). On PostgreSQL (``PELUIT_DATABASE_URL``) the
database check asks the server, and the backup check says that backups
are PostgreSQL's business instead of looking for ``peluit backup``'s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from common.days import jakarta_today
from web import doctor_checks as checks
from web import doctor_database
from web import doctor_machine as machine
from web import doctor_web as web_checks
from web.doctor_checks import Check, Context, Finding, problem

CHECKS: dict[str, Check] = {
    "permissions": checks.check_permissions,
    "secrets": checks.check_secrets,
    "backup": checks.check_backup,
    "database": doctor_database.check_database,
    "pg_quiet": doctor_database.check_postgres_quiet,
    "schema": checks.check_schema,
    "public_url": web_checks.check_public_url,
    "https": web_checks.check_https,
    "access_log": web_checks.check_access_log,
    "clock": machine.check_clock,
    "holidays": checks.check_holidays,
    "demo": checks.check_demo_unit,
    "disk": machine.check_disk,
    "jobs": checks.check_daily_jobs,
    "noatime": machine.check_noatime,
    "notify": machine.check_notify,
    "state": machine.check_shared_state,
}
# Checks that need the data folder to exist (after "permissions" named it missing).
NEEDS_FOLDER = frozenset(
    {"secrets", "database", "schema", "holidays", "demo", "disk", "jobs", "noatime"}
)


def run(ctx: Context, skip: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    folder_exists = ctx.folder.root.is_dir()
    for name, check in CHECKS.items():
        if name in skip or (name in NEEDS_FOLDER and not folder_exists):
            continue
        try:
            findings += check(ctx)
        except (OSError, ValueError) as failed:  # a check that cannot look is a problem too
            findings.append(problem(
                name, f"pemeriksaan gagal: {failed}", f"the check failed: {failed}",
                "periksa hak akses pengguna yang menjalankan doctor",
                "check the permissions of the user running doctor",
            ))  # fmt: skip
    return findings


def print_findings(findings: list[Finding]) -> int:
    problems = 0
    for found in findings:
        if found.skipped:
            label = "lewati/skipped"
        elif found.ok:
            label = "ok"
        else:
            label = "MASALAH/PROBLEM"
            problems += 1
        print(f"[{label}] {found.check}: {found.what.id}")
        print(f"{' ' * (len(label) + 3)}{found.check}: {found.what.en}")
        if found.fix is not None:
            print(f"    perbaiki: {found.fix.id}")
            print(f"    fix:      {found.fix.en}")
    if problems:
        plural = "problem" if problems == 1 else "problems"
        print(f"{problems} masalah / {problems} {plural}", file=sys.stderr)
        return 1
    print("semua yang diperiksa baik / everything checked is good")
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Any) -> int:
    unknown = set(args.skip or ()) - set(CHECKS)
    if unknown:
        print(f"error: unknown check {sorted(unknown)[0]}", file=sys.stderr)
        print(f"hint: the checks are {', '.join(CHECKS)}", file=sys.stderr)
        return 2
    backups = args.backups or settings.backup_dir
    ctx = Context(
        settings=settings,
        today=jakarta_today(),
        backups=Path(backups) if backups else None,
        url=args.url,
        ca_file=Path(args.ca_file) if args.ca_file else None,
        proxy_configs=[Path(p) for p in args.proxy_config]
        if args.proxy_config
        else list(web_checks.DEFAULT_PROXY_CONFIGS),
    )
    return print_findings(run(ctx, set(args.skip or ())))


def register(sub: Any) -> None:
    doc = sub.add_parser("doctor", help="check this deployment and say how to fix what is wrong")
    doc.add_argument("--url", help="the https address to fetch (default PELUIT_PUBLIC_URL)")
    doc.add_argument("--ca-file", help="CA certificate for --url (e.g. Caddy's tls internal)")
    doc.add_argument("--backups", help="the backups' folder (default PELUIT_BACKUP_DIR)")
    doc.add_argument(
        "--proxy-config", action="append", help="a proxy configuration file or folder to read"
    )
    doc.add_argument("--skip", action="append", help=f"leave a check out: {', '.join(CHECKS)}")
    doc.set_defaults(func=cmd_doctor, upgrade_first=False)
