"""Text from reporters made safe to print on a terminal.

Decrypted text is hostile: an escape sequence (``ESC [ ...``, OSC 8
hyperlinks, OSC 52 clipboard writes), a carriage return that overwrites a
line, or a bidirectional override that reorders what the inspector sees can
all come inside a report. Every character in Unicode's control categories
(C0 except newline and tab, DEL, C1), the bidi embedding/override/isolate
characters, and the line/paragraph separators are replaced by U+FFFD, so
the inspector sees that something was there without the terminal acting on
it.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def safe_text(text: str) -> str:
    """``text`` with every terminal control character replaced (newline and tab kept)."""
    return _UNSAFE.sub(REPLACEMENT, text)


def safe_line(text: str) -> str:
    """Like :func:`safe_text`, and newlines and tabs too: for one-line fields."""
    return safe_text(text).replace("\n", REPLACEMENT).replace("\t", " ")
