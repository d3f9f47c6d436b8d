"""The response headers every Peluit page gets, online and on the workstation's UI.

Each side keeps its own Content-Security-Policy and referrer policy (the
online pages run scripts from their own origin; the workstation's loopback
UI runs none), and adds them to :data:`SHARED_HEADERS`, which neither may
weaken: no MIME sniffing, no framing, no window or resource shared with
another origin. :func:`replace_headers` puts them on a response in place of
whatever the application set, and drops the ``Server`` banner.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

Header = tuple[bytes, bytes]

SHARED_HEADERS: Final[tuple[Header, ...]] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


def replace_headers(headers: Iterable[Header], added: Sequence[Header]) -> list[Header]:
    """``headers`` without ``server`` and without any header ``added`` names, then ``added``."""
    names = {name for name, _ in added} | {b"server"}
    return [(k, v) for k, v in headers if k not in names] + list(added)
