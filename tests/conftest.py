"""Suite-wide test ordering: the real-browser tests run last.

Playwright's session keeps an event loop in the main thread until the end of
the run; running every other test first keeps them in a plain thread, and
gives the fast feedback first.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
