"""Where a redirect may lead: a path on this origin, never another site.

The staff console and the workstation's UI redirect after a form to a path
they are given; :func:`local_path` keeps that path on our own origin. A
browser reads ``//host/...`` as another origin, and also ``/\\host/...``
(it turns a backslash into a slash), so both fall back to ``/``.
"""

from __future__ import annotations


def local_path(path: str) -> str:
    """``path`` if it can only mean a path on this origin, else ``"/"``."""
    if not path.startswith("/") or path[1:2] in ("/", "\\"):
        return "/"
    return path
