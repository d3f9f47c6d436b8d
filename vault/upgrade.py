"""Schema upgrades with a backup first.

A release may bring new migrations (vault/schema.py). On a vault that
already holds data they run only after a complete backup of the data folder
(vault/backup.py) was written beside it, so a migration that goes wrong, or
a release that has to be rolled back, costs nothing: stop the server,
``peluit restore`` the backup into a new folder, run the old release on it.
``peluit migrate`` does this on request; ``peluit serve`` and the other
commands do the same before they open the store. A new, empty data folder
needs no backup.

On PostgreSQL the schema is read from the server, and no backup is written
here (``peluit backup`` cannot copy that database): the server's own base
backups and WAL archive are the way back (docs/scale.md, docs/admin.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from common.days import jakarta_today
from vault.backup import backup
from vault.data_folder import DataFolder
from vault.database import is_postgres, opened
from vault.folder_survey import has_database
from vault.schema import applied_versions, available_migrations, migrate


@dataclass(frozen=True)
class SchemaState:
    current: int
    latest: int
    pending: tuple[int, ...]
    has_data: bool
    """The database exists and has a schema: a migration would change stored data."""


@dataclass(frozen=True)
class Upgrade:
    before: int
    applied: tuple[int, ...]
    backup: Path | None


def schema_state(data_dir: Path) -> SchemaState:
    """Where the data folder's schema stands (PostgreSQL's, when in use); creates nothing."""
    shipped = [m.version for m in available_migrations("postgres" if is_postgres() else "sqlite")]
    folder = DataFolder.locate(data_dir)
    applied: set[int] = set()
    if has_database(folder):
        with opened(folder.database_path) as db:
            applied = applied_versions(db)
    pending = tuple(v for v in shipped if v not in applied)
    return SchemaState(max(applied, default=0), max(shipped), pending, bool(applied))


def default_backup_path(data_dir: Path, state: SchemaState, backup_dir: Path | None = None) -> Path:
    """``<data>-before-v<N>-<day>`` in ``backup_dir`` (``PELUIT_BACKUP_DIR``, which
    the ``peluit`` user may write) or else beside the data folder; never an existing name."""
    root = DataFolder.locate(data_dir).root
    parent = backup_dir if backup_dir is not None else root.parent
    base = f"{root.name}-before-v{state.latest}-{jakarta_today().isoformat()}"
    candidate = parent / base
    number = 2
    while candidate.exists():
        candidate = parent / f"{base}-{number}"
        number += 1
    return candidate


def upgrade(
    data_dir: Path, backup_to: Path | None = None, backup_dir: Path | None = None
) -> Upgrade:
    """Back up (when there is data and something to apply), then migrate.

    Raises :class:`vault.backup.BackupError` (nothing migrated) if the
    backup cannot be made.
    """
    state = schema_state(data_dir)
    if not state.pending:
        return Upgrade(state.current, (), None)
    written: Path | None = None
    if state.has_data and not is_postgres():
        target = backup_to or default_backup_path(data_dir, state, backup_dir)
        written = backup(DataFolder.locate(data_dir).root, target).path
    folder = DataFolder.prepare(data_dir)
    with opened(folder.database_path) as db:
        applied = migrate(db)
    return Upgrade(state.current, tuple(applied), written)
