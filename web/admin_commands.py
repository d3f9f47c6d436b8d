"""``peluit`` commands for staff accounts, the audit log, retention, deadlines, notifications.

  peluit user add NAME --role ROLE [--unit ID]...
  peluit user list
  peluit audit verify [--anchor N:HASH]
  peluit retention run [--today YYYY-MM-DD]   (the day: drills and tests only)
  peluit deadlines close-due
  peluit notify run

Registered on ``web/cli.py``'s parser by :func:`register`. They run on the
data folder directly (no server needed) and print short lowercase
``error:`` / ``hint:`` lines. Nothing here reads a private key.
"""

from __future__ import annotations

import argparse
import getpass
import io
import sys
from collections.abc import Callable
from typing import Any

from crypto.errors import PeluitError
from crypto.secret import SecretStr
from vault import audit_log, daily_jobs, deadlines, notifications, retention, staff
from vault.database import opened
from vault.days import jakarta_today
from vault.store import SqliteVaultStore
from vault.working_days import calendar_for
from web import clock_override

Command = Callable[[argparse.Namespace, Any], int]


def _fail(message: str, hint: str | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    return 1


def _vault(settings: Any) -> SqliteVaultStore:
    return SqliteVaultStore.open(settings.data_dir, sweep=False)


def _read_password() -> SecretStr | None:
    """Twice from the terminal, or one line from stdin when it is not a terminal."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return SecretStr(line.rstrip("\r\n"))
    from vault.staff_accounts import MAX_PASSWORD, MIN_PASSWORD

    print(f"a password is {MIN_PASSWORD} to {MAX_PASSWORD} characters long", file=sys.stderr)
    first = getpass.getpass("password: ")
    second = getpass.getpass("password again: ")
    if first != second:
        return None
    return SecretStr(first)


def cmd_user_add(args: argparse.Namespace, settings: Any) -> int:
    import segno

    store = _vault(settings)
    password = _read_password()
    if password is None:
        return _fail("the passwords differ")
    try:
        with opened(store.folder.database_path) as db:
            user, secret = staff.create_user(
                db, args.name, args.role, unit_ids=args.unit or (), password=password
            )
    except PeluitError as bad:
        return _fail(bad.user_message.lower().rstrip("."))
    uri = staff.provisioning_uri(user.username, secret)
    units = ",".join(user.unit_ids) or "-"
    print(f"user {user.username} added: {user.role.value}, units {units}")
    print("scan this code with an authenticator app (shown once):")
    qr = io.StringIO()
    segno.make(uri, error="m").terminal(out=qr, compact=True)
    print(qr.getvalue(), end="")
    print(uri)
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Any) -> int:
    with opened(_vault(settings).folder.database_path) as db:
        for user in staff.list_users(db):
            state = "disabled" if user.disabled else "active"
            print(f"{user.username}\t{user.role.value}\t{','.join(user.unit_ids) or '-'}\t{state}")
    return 0


def _anchors(values: list[str]) -> dict[int, str] | None:
    anchors = {}
    for value in values:
        number, _, digest = value.partition(":")
        if not number.isdigit() or len(digest) != 64:
            return None
        anchors[int(number)] = digest.lower()
    return anchors


def cmd_audit_verify(args: argparse.Namespace, settings: Any) -> int:
    anchors = _anchors(args.anchor or [])
    if anchors is None:
        return _fail("an anchor is N:HASH (entry number, 64 hex digits)")
    with opened(_vault(settings).folder.database_path) as db:
        report = audit_log.verify(db, anchors=anchors)
    if not report.ok:
        print(report.line(), file=sys.stderr)
        print(
            "hint: compare with a copy of the log or an anchor kept off the server", file=sys.stderr
        )
        return 1
    print(report.line())
    print(f"head: {report.count}:{report.head}")
    return 0


def cmd_retention_run(args: argparse.Namespace, settings: Any) -> int:
    try:
        today = clock_override.chosen_today(args.today, jakarta_today())
    except clock_override.ClockOverrideRefused as refused:
        return _fail(str(refused))
    store = _vault(settings)
    report = retention.retention_sweep(store, today)
    daily_jobs.record_at(store.folder.database_path, "retention", jakarta_today())
    for case in report.destroyed:
        print(f"destroyed {case.reference} (unit {case.unit_id}, closed {case.closed_day})")
    print(f"{len(report.destroyed)} cases destroyed, {report.blobs_wiped} files wiped")
    if not report.log_emptied:
        return _fail(
            "the database log could not be emptied (a reader kept it busy)",
            "run `peluit retention run` again: until then the destroyed cases' old"
            " pages may remain in vault.sqlite3-wal",
        )
    return 0


def cmd_deadlines_close_due(args: argparse.Namespace, settings: Any) -> int:
    store = _vault(settings)
    today = jakarta_today()
    calendar = calendar_for(store.folder.root)
    missing = calendar.missing_years([today.year])
    with opened(store.folder.database_path) as db:
        closed = deadlines.auto_close_due(db, today, calendar=calendar)
        daily_jobs.record(db, "deadlines", today)
    for reference in closed:
        print(f"closed {reference}")
    print(f"{len(closed)} cases closed")
    if missing:
        print(
            f"hint: cuti_bersama.json has no dates for {missing[0]}; add them from the SKB",
            file=sys.stderr,
        )
    return 0


def cmd_notify_run(args: argparse.Namespace, settings: Any) -> int:
    with opened(_vault(settings).folder.database_path) as db:
        sent = notifications.run_daily_hook(db, jakarta_today(), settings.notify_command)
        daily_jobs.record(db, "notify", jakarta_today())
    failed = [n for n in sent if n.exit_code != 0]
    print(f"{len(sent)} notifications run")
    if failed:
        return _fail(f"the notify command failed for {len(failed)} of them")
    return 0


def register(sub: Any) -> None:
    """Add the commands to ``peluit``'s sub-parsers."""
    user = sub.add_parser("user", help="staff accounts").add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser("add", help="add a staff account (password from the terminal or stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in staff.Role])
    add.add_argument("--unit", action="append", help="a unit of an inspector (repeatable)")
    add.set_defaults(func=cmd_user_add)
    user.add_parser("list", help="list staff accounts").set_defaults(func=cmd_user_list)

    audit = sub.add_parser("audit", help="the staff audit log").add_subparsers(
        dest="audit_command", required=True
    )
    verify = audit.add_parser("verify", help="check the hash chain")
    verify.add_argument("--anchor", action="append", help="N:HASH written down earlier")
    verify.set_defaults(func=cmd_audit_verify)

    ret = sub.add_parser("retention", help="data retention").add_subparsers(
        dest="retention_command", required=True
    )
    run = ret.add_parser("run", help="destroy cases past retention")
    run.add_argument(
        "--today",
        type=clock_override.day_argument,
        help=f"act as if it were this day (drills, tests; needs {clock_override.ALLOW_ENV}=1)",
    )
    run.set_defaults(func=cmd_retention_run, upgrade_first="refuse")

    dl = sub.add_parser("deadlines", help="working-day deadlines").add_subparsers(
        dest="deadlines_command", required=True
    )
    dl.add_parser("close-due", help="close concluded cases with no objection").set_defaults(
        func=cmd_deadlines_close_due, upgrade_first="refuse"
    )

    notify = sub.add_parser("notify", help="new-report notifications").add_subparsers(
        dest="notify_command", required=True
    )
    notify.add_parser("run", help="run $PELUIT_NOTIFY_COMMAND for finished days").set_defaults(
        func=cmd_notify_run, upgrade_first="refuse"
    )
