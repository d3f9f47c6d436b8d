"""Run callables in threads released together, for tests of concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence


def at_once(work: Sequence[Callable[[], object]]) -> list[object]:
    """Run every callable in its own thread, released together; return results or errors."""
    results: list[object] = [None] * len(work)
    start = threading.Barrier(len(work))

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = work[index]()
        except Exception as failed:  # returned to the test
            results[index] = failed

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
