"""A real ``peluit serve`` process on 127.0.0.1, for benchmarks and crash tests.

Benchmarks and the crash tests must measure (and kill) the server a
deployment runs, not an in-process ASGI app: :class:`LiveServer` starts
``python -m web.cli --data DIR serve`` as a child process with its own
environment, waits until ``/api/instance`` answers, and can stop it politely
(SIGTERM) or kill it (SIGKILL) and start it again on the same data folder.
Its peak memory is read from ``/proc/<pid>/status`` (``VmHWM``, ``VmRSS``),
its CPU time from ``/proc/<pid>/stat`` (with every worker process:
:meth:`LiveServer.tree_cpu_seconds`, bench/proc_cpu.py).

:func:`prepare_data` registers a freshly made unit before the first start,
exactly as ``peluit unit add CARD`` would, and returns the unit's private
side, which stays in the calling process (it stands in for the workstation).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.proc_cpu import tree_cpu_seconds
from crypto.signing import SigningKey
from crypto.unit_card import UnitCard
from crypto.xwing import XWingPrivateKey

ROOT = Path(__file__).resolve().parent.parent
UNIT_ID = "inspektorat-bench"


@dataclass
class UnitKeys:
    """The unit's private side, held only by the benchmark or test."""

    xwing: XWingPrivateKey
    signing: SigningKey
    card: UnitCard


def prepare_data(data: Path, unit_id: str = UNIT_ID, ceiling: int = 1_000_000) -> UnitKeys:
    """Create the data folder and register a new unit (as ``peluit unit add`` does)."""
    from vault.store import open_store

    _, xwing = XWingPrivateKey.generate()
    signing = SigningKey.generate()
    card = UnitCard.create(
        signing, xwing.public_key(), unit_id, "Inspektorat Uji Beban", "Uji", dt.date(2026, 1, 5)
    )
    # Closed at once: a store left open in this process would keep the server
    # from sweeping a crash's leftovers at start (vault/folder_lock.py).
    with open_store(data) as store:
        store.register_unit(card.to_json())
        # Load tests send more than the default 200 reports a day to one unit.
        store.update_unit_settings(unit_id, daily_case_ceiling=ceiling)
    return UnitKeys(xwing, signing, card)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """``peluit serve`` as a child process on a data folder."""

    def __init__(
        self,
        data: Path,
        *,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        preexec: Callable[[], object] | None = None,
        serve_args: tuple[str, ...] = (),
    ) -> None:
        self.data = data
        self.serve_args = serve_args  # e.g. ("--workers", "2")
        self.port = free_port()
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.log = log
        self.preexec = preexec
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "web.cli", "--data", str(self.data), "serve"]
        return [*cmd, "--port", str(self.port), *self.serve_args]

    def start(self, timeout: float = 60.0) -> None:
        log = self.log.open("ab") if self.log else None
        out: Any = log if log is not None else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=out,
            preexec_fn=self.preexec,
        )
        if log is not None:
            log.close()  # the child has its own copy
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"peluit serve exited with {self.proc.returncode}")
            if self._answers():
                return
            time.sleep(0.05)
        raise RuntimeError("peluit serve did not start in time")

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/api/instance")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def memory_kib(self) -> dict[str, int]:
        """``VmRSS`` and ``VmHWM`` (peak resident set) of the server, in KiB."""
        found: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0])
        return found

    def worker_pids(self) -> list[int]:
        """The worker processes of ``serve --workers N`` (uvicorn's spawned children)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        found = []
        for child in map(int, children):
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmdline:
                found.append(child)
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def tree_cpu_seconds(self) -> float:
        """CPU time of the server and every process below it (``--workers N``'s workers)."""
        return tree_cpu_seconds(self.pid)

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind runs in the server."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
