"""CPU time of a process and all its descendants, and of the whole machine, from /proc.

A server is more than one process: ``peluit serve --workers K`` is
uvicorn's supervisor plus K spawned workers, PostgreSQL a postmaster with
one backend per connection and its helpers, Redis a ``runuser`` with its
``redis-server`` child. :func:`tree_cpu_seconds` sums user + system time
of the root and every live descendant, plus the time of children already
reaped (``cutime`` + ``cstime``), so the difference of two readings is the
CPU the whole tree used in between even if processes came and went.
``/proc/<pid>/stat`` is world-readable: this works for the ``postgres``
and ``nobody`` processes too.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # fields from the state (field 3) on


def descendants(root: int) -> list[int]:
    """``root`` and every live process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pid: int, *, reaped: bool = True) -> float:
    """User + system time of ``pid`` (and of its reaped children); 0 if it is gone."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    used = int(fields[11]) + int(fields[12])
    if reaped:
        used += int(fields[13]) + int(fields[14])
    return used / TICK


def tree_cpu_seconds(root: int) -> float:
    return sum(cpu_seconds(pid) for pid in descendants(root))


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent busy since boot (not idle, not iowait)."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(x) for x in first[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK
