"""New-report notifications: a per-unit count per day, and an optional daily hook.

The console shows "3 new reports today" from :func:`new_case_counts`, which
reads only ``cases.submitted_day``.

The hook (``PELUIT_NOTIFY_COMMAND``, run by ``peluit notify run``, e.g. from
cron) is run once per unit for each *finished* day that had new reports,
with exactly two arguments: the unit id and that day's count. Never during
the day: a message sent the moment a report arrives would tell whoever
receives it (a mail server, a chat service) the exact time of the report,
which the vault itself refuses to keep. The command gets no stdin, a minimal
environment, and its output is discarded. A (unit, day) pair is recorded
before the command runs, so two runs never notify twice (at most once).

A unit's administrator may turn the notification off for that unit (the
console's unit settings; the ``notify_off`` table): :func:`notifies` and
:func:`set_notifies`. A unit is notified unless it is turned off.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from vault.database import write_transaction

ENV_VAR = "PELUIT_NOTIFY_COMMAND"
LOOKBACK_DAYS = 7
TIMEOUT_SECONDS = 30

Runner = Callable[[Sequence[str]], int]


def new_case_counts(
    db: Database, day: dt.date, unit_ids: Iterable[str] | None = None
) -> dict[str, int]:
    """New cases per unit submitted on ``day`` (units without any are left out)."""
    counts = {
        unit: count
        for unit, count in db.conn.execute(
            "SELECT unit_id, count(*) FROM cases WHERE submitted_day = ? GROUP BY unit_id",
            [day.isoformat()],
        )
    }
    if unit_ids is not None:
        wanted = set(unit_ids)
        counts = {u: c for u, c in counts.items() if u in wanted}
    return counts


def notifies(db: Database, unit_id: str) -> bool:
    """Whether ``peluit notify run`` runs the hook for ``unit_id``."""
    row = db.conn.execute("SELECT 1 FROM notify_off WHERE unit_id = ?", [unit_id]).fetchone()
    return row is None


def set_notifies(db: Database, unit_id: str, on: bool) -> None:
    """Turn the unit's notification on or off (inside the caller's transaction)."""
    if on:
        db.conn.execute("DELETE FROM notify_off WHERE unit_id = ?", [unit_id])
    else:
        db.conn.execute(
            "INSERT INTO notify_off (unit_id) VALUES (?) ON CONFLICT DO NOTHING", [unit_id]
        )


@dataclass(frozen=True)
class Notified:
    unit_id: str
    day: str
    count: int
    exit_code: int


def run_command(argv: Sequence[str]) -> int:
    """Run the hook with no stdin, a minimal environment and its output discarded."""
    try:
        done = subprocess.run(  # noqa: S603 - the administrator's own command, no shell
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return 127
    return done.returncode


def run_daily_hook(
    db: Database,
    today: dt.date,
    command: str | None = None,
    *,
    runner: Runner = run_command,
    lookback_days: int = LOOKBACK_DAYS,
) -> list[Notified]:
    """Run the hook for each finished day (up to ``lookback_days`` back) not yet notified."""
    command = command if command is not None else os.environ.get(ENV_VAR, "")
    base = shlex.split(command) if command else []
    if not base:
        return []
    done: list[Notified] = []
    off = {row[0] for row in db.conn.execute("SELECT unit_id FROM notify_off")}
    for back in range(lookback_days, 0, -1):
        day = today - dt.timedelta(days=back)
        for unit_id, count in sorted(new_case_counts(db, day).items()):
            if unit_id in off:
                continue
            with write_transaction(db):
                claimed = db.conn.execute(
                    "INSERT INTO notifications_sent (unit_id, day) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    [unit_id, day.isoformat()],
                ).rowcount
            if claimed:
                code = runner([*base, unit_id, str(count)])
                done.append(Notified(unit_id, day.isoformat(), count, code))
    return done
