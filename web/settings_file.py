"""The settings file: ``KEY=value`` lines, the syntax systemd's ``EnvironmentFile=`` reads.

The same file serves both: systemd puts its values into ``peluit serve``'s
environment, and ``peluit`` commands run by hand read it themselves
(``--config FILE`` or ``$PELUIT_CONFIG``, else ``/etc/peluit/peluit.env``
when it exists). Only the subset both agree on is accepted:

- blank lines and lines starting with ``#`` are ignored;
- every other line is ``NAME=value`` with ``NAME`` in capitals, digits and ``_``;
- a value may be wrapped in one pair of ``"`` or ``'`` (taken literally, no
  escapes, no ``$`` expansion); leading and trailing blanks are dropped;
- a name given twice is refused (which one would win is a trap).

What a name means and which values it takes is :mod:`web.settings`' job.
"""

from __future__ import annotations

import re
from pathlib import Path

from crypto.errors import PeluitError

DEFAULT_PATH = Path("/etc/peluit/peluit.env")
CONFIG_ENV = "PELUIT_CONFIG"
_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
MAX_BYTES = 64 * 1024


class SettingsError(PeluitError):
    """A setting that cannot be used: ``message_id`` (Indonesian) and ``user_message`` (English)."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_id = message_id

    def lines(self) -> list[str]:
        """Indonesian first, English second, as the command line prints them."""
        return [self.message_id, self.user_message]


def read_env_file(path: Path) -> dict[str, str]:
    """Every ``NAME=value`` of the file, in order; :class:`SettingsError` on a bad line."""
    try:
        data = path.read_bytes()
    except OSError as failed:
        raise SettingsError(
            f"berkas pengaturan {path} tidak dapat dibaca ({failed.strerror})",
            f"cannot read the settings file {path} ({failed.strerror})",
        ) from None
    if len(data) > MAX_BYTES:
        raise SettingsError(
            f"berkas pengaturan {path} terlalu besar", f"the settings file {path} is too large"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SettingsError(
            f"berkas pengaturan {path} bukan UTF-8", f"the settings file {path} is not UTF-8"
        ) from None
    return parse_env_text(text, str(path))


def parse_env_text(text: str, where: str = "settings") -> dict[str, str]:
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        name = name.strip()
        if not equals or not _NAME.match(name):
            raise SettingsError(
                f"{where} baris {number}: harus berbentuk NAMA=nilai",
                f"{where} line {number}: must be NAME=value",
            )
        if name in values:
            raise SettingsError(
                f"{where} baris {number}: {name} sudah diberikan sebelumnya",
                f"{where} line {number}: {name} is given twice",
            )
        values[name] = _unquote(value.strip())
    return values


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
