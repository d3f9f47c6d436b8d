"""The language of ``peluit``'s messages: the pages' Babel catalog, chosen by the locale.

``peluit`` (web/cli.py and the command modules beside it) speaks Indonesian
when the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set starts
with ``id``, English otherwise. Its messages are English msgids in
``web/locale`` like the pages' (one catalog for the whole ``web`` package:
tests/test_i18n.py extracts ``web/**.py`` and checks every msgid has its
Indonesian msgstr). Error and hint lines keep their lowercase ``error:`` /
``hint:`` prefixes; the words after them are in the reader's language.
"""

from __future__ import annotations

import sys

from common.cli_language import language
from web.i18n import gettext


def _(message: str) -> str:
    """``message`` (an English msgid) in the reader's language; unknown text as it is."""
    return gettext(language(), message)


def fail(message: str, hint: str | None = None) -> int:
    """Print ``error:`` (and ``hint:``) lines on stderr; return the exit status 1.

    ``message`` and ``hint`` may be msgids (an error's English ``user_message``
    found in the catalog is shown translated) or text already in the reader's
    language.
    """
    print(f"error: {_(message)}", file=sys.stderr)
    if hint:
        print(f"hint: {_(hint)}", file=sys.stderr)
    return 1
