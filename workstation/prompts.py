"""Reading passphrases, shares and texts from the inspector.

On a terminal, passphrases are read with ``getpass`` (not echoed). When
stdin is not a terminal (scripts, tests), each value is one line of stdin,
in the order the command asks for them.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from crypto.secret import SecretStr
from workstation.cli_words import _, translated
from workstation.passphrase import WeakPassphrase, check_passphrase


def passphrase(prompt: str = "passphrase: ") -> SecretStr:
    if sys.stdin.isatty():
        return SecretStr(getpass.getpass(prompt))
    return SecretStr(sys.stdin.readline().rstrip("\n"))


def new_passphrase(prompt: str = "") -> SecretStr:
    """A new passphrase, checked for strength and, on a terminal, typed twice."""
    prompt = prompt or _("new passphrase (five or more random words): ")
    if not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\n")
        check_passphrase(value)
        return SecretStr(value)
    while True:
        first = getpass.getpass(prompt)
        try:
            check_passphrase(first)
        except WeakPassphrase as weak:
            print(
                "error: " + _("weak passphrase: {why}", why=translated(str(weak))), file=sys.stderr
            )
            continue
        if getpass.getpass(_("repeat it: ")) == first:
            return SecretStr(first)
        print("error: " + _("the two passphrases differ"), file=sys.stderr)


def line(prompt: str) -> str:
    if sys.stdin.isatty():
        return input(prompt)
    return sys.stdin.readline().rstrip("\n")


def editor() -> str:
    """The inspector's editor: ``$VISUAL``, else ``$EDITOR``, else nano."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "nano"


def long_text(what: str) -> str:
    """Text from $EDITOR on a terminal (temporary file in memory-backed /dev/shm), else stdin.

    ``what`` heads the file in the editor, in the reader's language.
    """
    if not sys.stdin.isatty():
        return sys.stdin.read()
    folder = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - memory, not disk
    with tempfile.NamedTemporaryFile("w+", suffix=".txt", dir=folder, encoding="utf-8") as temp:
        temp.write("\n# " + _("{what}. Lines starting with # are dropped.", what=what) + "\n")
        temp.flush()
        subprocess.run([editor(), temp.name], check=False)  # noqa: S603 - the inspector's editor
        with open(temp.name, encoding="utf-8") as edited:
            text = edited.read()
    return "\n".join(x for x in text.splitlines() if not x.startswith("#")).strip()
