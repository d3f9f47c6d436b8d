"""``peluit`` commands for staff accounts, the audit log, retention, deadlines, notifications.

  peluit user add NAME --role ROLE [--unit ID]...
  peluit user list
  peluit audit verify [--anchor N:HASH]
  peluit retention run [--today YYYY-MM-DD]   (the day: drills and tests only)
  peluit deadlines close-due
  peluit notify run

Registered on ``web/cli.py``'s parser by :func:`register`. They run without
a server, through the store's operator interface
(:class:`vault.housekeeping.Housekeeping`; no database is opened here), and
print short lowercase ``error:`` / ``hint:`` lines. Nothing here reads a
private key.
The daily jobs run one copy at a time across every process and timer
(:func:`once`, vault/job_lock.py).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import sys
from collections.abc import Callable
from typing import Any

from common.days import jakarta_today
from crypto.errors import PeluitError
from crypto.secret import SecretStr
from vault import staff
from vault.folder_survey import on_postgres
from vault.housekeeping import Housekeeping
from vault.job_lock import JobLock, JobLockUnavailable, open_job_lock
from vault.store import open_housekeeping
from web import clock_override
from web.cli_language import _
from web.cli_language import fail as _fail

Command = Callable[[argparse.Namespace, Any], int]


def _vault(settings: Any) -> Housekeeping:
    """The data folder's store (migrated first), as the operator commands use it."""
    return open_housekeeping(settings.data_dir)


def _read_password() -> SecretStr | None:
    """Twice from the terminal, or one line from stdin when it is not a terminal."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return SecretStr(line.rstrip("\r\n"))
    from vault.staff_accounts import MAX_PASSWORD, MIN_PASSWORD

    rule = _("a password is {low} to {high} characters long")
    print(rule.format(low=MIN_PASSWORD, high=MAX_PASSWORD), file=sys.stderr)
    first = getpass.getpass(_("password: "))
    second = getpass.getpass(_("password again: "))
    if first != second:
        return None
    return SecretStr(first)


def cmd_user_add(args: argparse.Namespace, settings: Any) -> int:
    import segno

    store = _vault(settings)
    password = _read_password()
    if password is None:
        return _fail(_("the passwords differ"))
    try:
        user, secret = store.add_staff_user(
            args.name, args.role, unit_ids=args.unit or (), password=password
        )
    except PeluitError as bad:
        return _fail(_(bad.user_message).lower().rstrip("."))
    uri = staff.provisioning_uri(user.username, secret)
    units = ",".join(user.unit_ids) or "-"
    print(_("user {name} added: {role}, units {units}").format(
        name=user.username, role=user.role.value, units=units))  # fmt: skip
    print(_("scan this code with an authenticator app (shown once):"))
    qr = io.StringIO()
    segno.make(uri, error="m").terminal(out=qr, compact=True)
    print(qr.getvalue(), end="")
    print(uri)
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Any) -> int:
    for user in _vault(settings).staff_users():
        state = _("disabled") if user.disabled else _("active")
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
        return _fail(_("an anchor is N:HASH (entry number, 64 hex digits)"))
    report = _vault(settings).verify_audit(anchors=anchors)
    if not report.ok:
        bad = _("entry #{seq} {problem}").format(seq=report.bad_seq, problem=_(report.problem))
        print(f"error: {bad}", file=sys.stderr)
        print("hint: " + _("compare with a copy of the log or an anchor kept off the server"),
              file=sys.stderr)  # fmt: skip
        return 1
    print(_("ok: {count} entries").format(count=report.count))
    print(_("head: {count}:{hash}").format(count=report.count, hash=report.head))
    return 0


def job_lock(settings: Any) -> JobLock:
    """The vault's job locks (vault/job_lock.py): one copy of each daily job at a time,
    across the machine (SQLite) or every machine of the cluster (PostgreSQL)."""
    return open_job_lock(settings.data_dir)


def once(job: str, command: Command) -> Command:
    """Run ``command`` only if no other copy of ``job`` runs now; else say so and succeed."""

    def guarded(args: argparse.Namespace, settings: Any) -> int:
        with contextlib.ExitStack() as stack:
            try:
                mine = stack.enter_context(job_lock(settings).hold(job))
            except JobLockUnavailable as down:
                return _fail(
                    _("the database does not answer, so {job} did not run: {why}").format(
                        job=job, why=down.detail),
                    _("check PELUIT_DATABASE_URL and the PostgreSQL service"
                      " (systemctl status postgresql)"),
                )  # fmt: skip
            if not mine:
                print("hint: " + _("{job} is already running elsewhere; nothing to do here")
                      .format(job=job), file=sys.stderr)  # fmt: skip
                return 0
            return command(args, settings)

    return guarded


def cmd_retention_run(args: argparse.Namespace, settings: Any) -> int:
    try:
        today = clock_override.chosen_today(args.today, jakarta_today())
    except clock_override.ClockOverrideRefused as refused:
        return _fail(str(refused))
    store = _vault(settings)
    report = store.retention_sweep(today)
    store.record_daily_job("retention", jakarta_today())
    for case in report.destroyed:
        print(_("destroyed {reference} (unit {unit}, closed {day})").format(
            reference=case.reference, unit=case.unit_id, day=case.closed_day))  # fmt: skip
    print(_("{cases} cases destroyed, {files} files wiped").format(
        cases=len(report.destroyed), files=report.blobs_wiped))  # fmt: skip
    if not report.log_emptied and on_postgres():
        return _fail(
            _("VACUUM had to leave deleted rows: a transaction, session or standby may still"
              " see them"),
            _("run `peluit retention run` again once it ended (pg_stat_activity,"
              " pg_replication_slots): until then the destroyed cases' rows stay in"
              " PostgreSQL's tables"),
        )  # fmt: skip
    if not report.log_emptied:
        return _fail(
            _("the database log could not be emptied (a reader kept it busy)"),
            _("run `peluit retention run` again: until then the destroyed cases' old"
              " pages may remain in vault.sqlite3-wal"),
        )  # fmt: skip
    return 0


def cmd_deadlines_close_due(args: argparse.Namespace, settings: Any) -> int:
    store = _vault(settings)
    today = jakarta_today()
    calendar = store.working_calendar()
    missing = calendar.missing_years([today.year])
    closed = store.close_due_cases(today, calendar=calendar)
    store.record_daily_job("deadlines", today)
    for reference in closed:
        print(_("closed {reference}").format(reference=reference))
    print(_("{count} cases closed").format(count=len(closed)))
    if missing:
        hint = _("cuti_bersama.json has no dates for {year}; add them from the SKB")
        print("hint: " + hint.format(year=missing[0]), file=sys.stderr)
    return 0


def cmd_notify_run(args: argparse.Namespace, settings: Any) -> int:
    store = _vault(settings)
    sent = store.run_notifications(jakarta_today(), settings.notify_command)
    store.record_daily_job("notify", jakarta_today())
    failed = [n for n in sent if n.exit_code != 0]
    print(_("{count} notifications run").format(count=len(sent)))
    if failed:
        return _fail(_("the notify command failed for {count} of them").format(count=len(failed)))
    return 0


def register(sub: Any) -> None:
    """Add the commands to ``peluit``'s sub-parsers."""
    user = sub.add_parser("user", help=_("staff accounts")).add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser(
        "add", help=_("add a staff account (password from the terminal or stdin)")
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in staff.Role])
    add.add_argument("--unit", action="append", help=_("a unit of an inspector (repeatable)"))
    add.set_defaults(func=cmd_user_add)
    user.add_parser("list", help=_("list staff accounts")).set_defaults(func=cmd_user_list)

    audit = sub.add_parser("audit", help=_("the staff audit log")).add_subparsers(
        dest="audit_command", required=True
    )
    verify = audit.add_parser("verify", help=_("check the hash chain"))
    verify.add_argument("--anchor", action="append", help=_("N:HASH written down earlier"))
    verify.set_defaults(func=cmd_audit_verify)

    ret = sub.add_parser("retention", help=_("data retention")).add_subparsers(
        dest="retention_command", required=True
    )
    run = ret.add_parser("run", help=_("destroy cases past retention"))
    run.add_argument(
        "--today",
        type=clock_override.day_argument,
        help=f"act as if it were this day (drills, tests; needs {clock_override.ALLOW_ENV}=1)",
    )
    run.set_defaults(func=once("retention", cmd_retention_run), upgrade_first="refuse")

    dl = sub.add_parser("deadlines", help=_("working-day deadlines")).add_subparsers(
        dest="deadlines_command", required=True
    )
    dl.add_parser("close-due", help=_("close concluded cases with no objection")).set_defaults(
        func=once("deadlines", cmd_deadlines_close_due), upgrade_first="refuse"
    )

    notify = sub.add_parser("notify", help=_("new-report notifications")).add_subparsers(
        dest="notify_command", required=True
    )
    notify.add_parser("run", help=_("run $PELUIT_NOTIFY_COMMAND for finished days")).set_defaults(
        func=once("notify", cmd_notify_run), upgrade_first="refuse"
    )
