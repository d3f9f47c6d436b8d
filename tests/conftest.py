"""Suite-wide test ordering: the real-browser tests run last.

Playwright's session keeps an event loop in the main thread until the end of
the run; running every other test first keeps them in a plain thread, and
gives the fast feedback first. Every test under ``tests/browser/`` is a
browser test whether or not its module says so (two files that forgot the
marker once ran first and broke every later test that runs an event loop).
"""

from __future__ import annotations

from pathlib import Path

import pytest

BROWSER_FOLDER = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FOLDER in item.path.parents and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# The real redis-server the shared-state tests use (tests/redis_fixtures.py).
from redis_fixtures import redis_server, redis_url  # noqa: E402, F401
