"""Settings of the online vault: one table of ``PELUIT_*`` names, each checked at start.

Every setting has a safe default so that ``peluit serve`` runs with no
configuration at all (the embedded default: SQLite in ``./var``). A
production server keeps them in one file (web/settings_file.py,
``deploy/peluit.env.example`` annotated); the environment overrides the file.
A bad value, an unknown ``PELUIT_*`` name (a typo) or a bad line stops the
start with the name and what it accepts, in Indonesian and English.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from web.public_origin import OriginError, PublicOrigin
from web.settings_file import CONFIG_ENV, SettingsError, read_env_file

MIB = 1 << 20
MAX_POW_BITS = 24


@dataclass(frozen=True)
class Limits:
    """Size limits the reporter's side is held to (plaintext bytes)."""

    attachment_bytes: int = 200 * MIB
    report_bytes: int = 1024 * MIB
    attachments: int = 20
    message_bytes: int = 64 * 1024
    piece_idle_seconds: float = 60.0
    """An upload piece whose body sends nothing for this long is cut off (408)."""
    piece_seconds: float = 300.0
    """An upload piece (about 1 MiB) must arrive within this long: at least ~3.5 KB/s."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    public_url: PublicOrigin | None = None
    """``PELUIT_PUBLIC_URL``: the origin browsers use (web/public_origin.py)."""
    debug: bool = False
    access_log: bool = False
    pow_difficulty: int = 16
    """Base proof of work (leading zero bits) of every write and lookup."""
    lookup_failures_per_peer: int = 20
    """Failed lookups per peer and hour at the base price; each doubling adds a bit."""
    lookup_failures_total: int = 1000
    """Failed lookups per hour in total at the base price; each doubling adds a bit."""
    lookup_delay_seconds: float = 0.25
    """Delay before a failed receipt lookup is answered."""
    pow_max_difficulty: int = 20
    """The most a proof of work costs under any flood: 20 bits, measured 12 s (Chromium) and
    28 s (jitless) for a whole report, which pays two (bench/bench_flood.py --bits 20)."""
    notify_command: str = ""
    backup_dir: Path | None = None
    """``PELUIT_BACKUP_DIR``: where the nightly backups go (deploy/peluit-backup); doctor looks."""
    backup_keep: int = 7
    database_url: str = field(default="", repr=False)
    """``PELUIT_DATABASE_URL``: PostgreSQL (``postgresql://...``) instead of SQLite in the data
    folder; kept out of ``repr`` in case it carries a password (docs/scale.md: prefer none)."""
    limits: Limits = field(default_factory=Limits)
    state_url: str = ""
    """``PELUIT_STATE_URL``: the Redis that holds the ephemeral state of several server
    processes (docs/scale.md); empty: this process's memory."""
    config_file: Path | None = None
    """The settings file read, if any (``peluit doctor`` checks its mode)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The environment, and the file ``$PELUIT_CONFIG`` names if it is set."""
        env = os.environ if environ is None else environ
        config = env.get(CONFIG_ENV) or None
        return cls.load(env, Path(config) if config else None)

    @classmethod
    def load(cls, environ: Mapping[str, str], config: Path | None) -> Settings:
        """The file's values (if any), overridden by ``PELUIT_*`` in ``environ``; all checked."""
        values: dict[str, str] = {}
        if config is not None:
            from_file = read_env_file(config)
            for name in from_file:
                if name not in KEYS:
                    raise _unknown(name, f"{config}")
            values.update(from_file)
        for name, value in environ.items():
            if not name.startswith("PELUIT_") or name in OTHER_PROGRAMS:
                continue
            if name not in KEYS:
                raise _unknown(name, "environment")
            values[name] = value
        settings = cls(config_file=config)
        for name, key in KEYS.items():
            settings = key.apply(settings, values.get(name, key.default))
        return _cross_checked(settings)


# --- the table of settings ----------------------------------------------------------


@dataclass(frozen=True)
class Key:
    name: str
    default: str
    accepts_id: str
    accepts_en: str
    apply_value: Callable[[Settings, str], Settings]

    def apply(self, settings: Settings, value: str) -> Settings:
        try:
            return self.apply_value(settings, value.strip())
        except OriginError as bad:
            raise _bad(self, value, bad.reason_id, bad.reason_en) from None
        except ValueError:
            raise _bad(self, value, self.accepts_id, self.accepts_en) from None


def _bad(key: Key, value: str, accepts_id: str, accepts_en: str) -> SettingsError:
    shown = repr(value if len(value) <= 80 else value[:80] + "…")
    return SettingsError(
        f"pengaturan {key.name}={shown} salah: {accepts_id}",
        f"bad setting {key.name}={shown}: {accepts_en}",
    )


def _unknown(name: str, where: str) -> SettingsError:
    return SettingsError(
        f"pengaturan {name} tidak dikenal ({where}); periksa ejaannya,"
        " lihat deploy/peluit.env.example",
        f"unknown setting {name} ({where}); check its spelling, see deploy/peluit.env.example",
    )


def _whole(value: str, low: int, high: int) -> int:
    if not value.isdigit():
        raise ValueError(value)
    number = int(value)
    if not low <= number <= high:
        raise ValueError(value)
    return number


def _switch(value: str) -> bool:
    if value not in ("", "0", "1"):
        raise ValueError(value)
    return value == "1"


def _data(settings: Settings, value: str) -> Settings:
    if not value or "\0" in value:
        raise ValueError(value)
    return replace(settings, data_dir=Path(value))


def _public_url(settings: Settings, value: str) -> Settings:
    return replace(settings, public_url=PublicOrigin.parse(value) if value else None)


def _notify(settings: Settings, value: str) -> Settings:
    if value:
        words = shlex.split(value)  # ValueError for an unclosed quote
        if not words or not os.path.isabs(words[0]):
            raise ValueError(value)
    return replace(settings, notify_command=value)


def _backup_dir(settings: Settings, value: str) -> Settings:
    if value and (not os.path.isabs(value) or "\0" in value):
        raise ValueError(value)
    return replace(settings, backup_dir=Path(value) if value else None)


def _state_url(settings: Settings, value: str) -> Settings:
    if value:
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in ("unix", "redis", "rediss") or not rest.strip("/"):
            raise ValueError(value)
        if any(c.isspace() or c == "\0" for c in value):
            raise ValueError(value)
    return replace(settings, state_url=value)


def _database_url(settings: Settings, value: str) -> Settings:
    if value and (not value.startswith(("postgresql://", "postgres://")) or "\0" in value):
        raise ValueError(value)
    return replace(settings, database_url=value)


def _attachment(settings: Settings, value: str) -> Settings:
    limits = replace(settings.limits, attachment_bytes=_whole(value, 1, 4096) * MIB)
    return replace(settings, limits=limits)


def _report(settings: Settings, value: str) -> Settings:
    limits = replace(settings.limits, report_bytes=_whole(value, 1, 65536) * MIB)
    return replace(settings, limits=limits)


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("PELUIT_DATA", "var", "nama folder (tidak kosong)", "a folder name (not empty)", _data),
        Key(
            "PELUIT_PUBLIC_URL",
            "",
            "https://nama.host atau http://….onion, tanpa path",
            "https://host.name or http://….onion, without a path",
            _public_url,
        ),
        Key("PELUIT_DEBUG", "0", "0 atau 1", "0 or 1", lambda s, v: replace(s, debug=_switch(v))),
        Key(
            "PELUIT_ACCESS_LOG",
            "0",
            "0 atau 1",
            "0 or 1",
            lambda s, v: replace(s, access_log=_switch(v)),
        ),
        Key(
            "PELUIT_POW_BITS",
            "16",
            f"bilangan bulat 0 sampai {MAX_POW_BITS}",
            f"a whole number from 0 to {MAX_POW_BITS}",
            lambda s, v: replace(s, pow_difficulty=_whole(v, 0, MAX_POW_BITS)),
        ),
        Key(
            "PELUIT_POW_MAX_BITS",
            "20",
            f"bilangan bulat 0 sampai {MAX_POW_BITS}",
            f"a whole number from 0 to {MAX_POW_BITS}",
            lambda s, v: replace(s, pow_max_difficulty=_whole(v, 0, MAX_POW_BITS)),
        ),
        Key(
            "PELUIT_ATTACHMENT_MIB",
            "200",
            "bilangan bulat 1 sampai 4096 (MiB)",
            "a whole number from 1 to 4096 (MiB)",
            _attachment,
        ),
        Key(
            "PELUIT_REPORT_MIB",
            "1024",
            "bilangan bulat 1 sampai 65536 (MiB)",
            "a whole number from 1 to 65536 (MiB)",
            _report,
        ),
        Key(
            "PELUIT_NOTIFY_COMMAND",
            "",
            "kosong, atau perintah yang diawali path absolut (/usr/local/bin/…)",
            "empty, or a command starting with an absolute path (/usr/local/bin/…)",
            _notify,
        ),
        Key(
            "PELUIT_BACKUP_DIR",
            "",
            "kosong, atau path absolut folder cadangan",
            "empty, or the backups' absolute path",
            _backup_dir,
        ),
        Key(
            "PELUIT_BACKUP_KEEP",
            "7",
            "bilangan bulat 1 sampai 3650",
            "a whole number from 1 to 3650",
            lambda s, v: replace(s, backup_keep=_whole(v, 1, 3650)),
        ),
        Key(
            "PELUIT_STATE_URL",
            "",
            "kosong, atau unix:///path/redis.sock atau redis://host:port",
            "empty, or unix:///path/redis.sock or redis://host:port",
            _state_url,
        ),
        Key(
            "PELUIT_DATABASE_URL",
            "",
            "kosong (SQLite di folder data) atau postgresql://…",
            "empty (SQLite in the data folder) or postgresql://…",
            _database_url,
        ),
    )
}

OTHER_PROGRAMS = frozenset(
    {CONFIG_ENV, "PELUIT_WS_DIR", "PELUIT_ALLOW_CLOCK_OVERRIDE", "PELUIT_TEST_BACKEND"}
)
"""``PELUIT_*`` names that are not settings of the online vault (never refused).

``PELUIT_WS_DIR`` is the workstation's; ``PELUIT_ALLOW_CLOCK_OVERRIDE`` is a
drill switch for ``retention run --today`` that belongs in no settings file;
``PELUIT_TEST_BACKEND`` picks the test suite's database (tests/pg_server.py).
"""


def _cross_checked(settings: Settings) -> Settings:
    if settings.limits.report_bytes < settings.limits.attachment_bytes:
        raise SettingsError(
            "pengaturan PELUIT_REPORT_MIB salah:"
            " tidak boleh lebih kecil dari PELUIT_ATTACHMENT_MIB",
            "bad setting PELUIT_REPORT_MIB: cannot be smaller than PELUIT_ATTACHMENT_MIB",
        )
    return settings
