"""Which language a command line speaks: Indonesian or English, from the locale.

``peluit`` (web/cli_language.py), ``peluit-ws`` (workstation/cli_words.py)
and ``peluit-report`` (reporter/words.py) each keep their own words; they
agree here on how the reader's language is chosen.
"""

from __future__ import annotations

import os


def language() -> str:
    """``"id"`` or ``"en"``, from the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "id" if value.lower().startswith("id") else "en"
    return "en"
