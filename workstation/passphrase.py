"""How strong a key-file passphrase must be.

The passphrase guards every report a unit ever received, so the rule is
simple and strict: at least 5 words, or at least 20 characters with at
least three kinds of character. A passphrase made of one repeated
character or a run like ``12345678...`` is refused whatever its length.
"""

from __future__ import annotations

import re

MIN_WORDS = 5
MIN_CHARS = 20


class WeakPassphrase(ValueError):
    """The passphrase is too weak; the message says what to change."""


def check_passphrase(passphrase: str) -> None:
    text = passphrase.strip()
    if len(set(text)) < 6:
        raise WeakPassphrase("too few different characters; use five or more random words")
    if _is_run(text):
        raise WeakPassphrase("a run of keyboard or digit sequence; use five or more random words")
    words = [w for w in re.split(r"[\s\-_.,]+", text) if len(w) >= 3]
    if len(words) >= MIN_WORDS:
        return
    kinds = sum(
        bool(re.search(pattern, text))
        for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    if len(text) >= MIN_CHARS and kinds >= 3:
        return
    raise WeakPassphrase(
        f"use at least {MIN_WORDS} random words, or {MIN_CHARS}+ characters mixing "
        "lower case, upper case, digits and symbols"
    )


def _is_run(text: str) -> bool:
    for run in ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm"):
        lowered = text.lower()
        if len(lowered) >= 8 and (lowered in run * 3 or lowered in run[::-1] * 3):
            return True
    return False
