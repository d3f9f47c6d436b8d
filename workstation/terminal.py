"""Text from reporters made safe to show: on a terminal and in the local UI.

Decrypted text is hostile: an escape sequence (``ESC [ ...``, OSC 8
hyperlinks, OSC 52 clipboard writes), a carriage return that overwrites a
line, or a bidirectional override that reorders what the inspector sees
(``laporan<U+202E>fdp.exe`` displays as ``laporanexe.pdf``) can all come
inside a report. Every character in Unicode's control categories (C0 except
newline and tab, DEL, C1), the bidi marks, embeddings, overrides and
isolates, and the line/paragraph separators are shown as a visible marker
naming the code point, ``<U+202E>``, so the inspector sees what was there
without the terminal or the browser acting on it.

This is the one implementation: the CLI prints :func:`safe_text` and
:func:`safe_line`; the UI (:mod:`workstation.ui.render`) walks
:func:`pieces` to give the markers their own style.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"([{_CLASS}])")
_UNSAFE_IN_LINE = re.compile(f"([{_CLASS}\n])")


def marker(char: str) -> str:
    """How one unsafe character is shown: ``<U+202E>``."""
    return f"<U+{ord(char):04X}>"


def pieces(text: str, *, one_line: bool = False) -> Iterator[tuple[str, bool]]:
    """``text`` as runs of plain text (``False``) and single unsafe characters (``True``).

    Newline and tab are plain, except with ``one_line``: there a newline is
    unsafe (a name must not look like two lines) and a tab becomes a space.
    """
    if one_line:
        text = text.replace("\t", " ")
    for index, part in enumerate((_UNSAFE_IN_LINE if one_line else _UNSAFE).split(text)):
        if part:
            yield part, index % 2 == 1


def safe_text(text: str) -> str:
    """``text`` with every unsafe character shown as its marker (newline and tab kept)."""
    return "".join(marker(part) if unsafe else part for part, unsafe in pieces(text))


def safe_line(text: str) -> str:
    """Like :func:`safe_text`, and newlines too: for one-line fields (names, types)."""
    return "".join(marker(part) if unsafe else part for part, unsafe in pieces(text, one_line=True))
