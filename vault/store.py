"""The storage interface of the online vault, and its SQLite + files implementation.

``web/`` talks to storage only through :class:`VaultStore`: units, case
creation, receipt lookup, follow-up messages, envelope listing and reading,
upload staging and status events (the console through
:class:`~vault.console_store.ConsoleStore`, the operator commands through
:class:`~vault.housekeeping.Housekeeping`; tests/test_layering.py keeps
every connection inside ``vault/``). Everything behind it (SQLite through
sqlite-utils, ciphertext included, as rows of 1 MiB pieces) is
:class:`SqliteVaultStore`'s business, so a national deployment can replace it
with PostgreSQL (ciphertext as ``bytea``) without touching ``web/`` or
``crypto/``. No file is made per report, message, upload or lookup: the
file system keeps no moment of any of them (docs/spec/storage-v1.md).

The interface only accepts opaque values: random ids, hashes' inputs,
public keys and ciphertext that looks like an envelope v1. It has no
parameter for an address, a user agent, a time, a file name or type, or a
plaintext, so none of these can be stored by mistake.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol, runtime_checkable

from common.case_status import CaseStatus
from common.days import Today, jakarta_today
from crypto.secret import SecretBytes
from vault import case_envelopes, cases, questionnaires, retention, unit_lifetime, units
from vault.blob_files import move_blob_files
from vault.blob_store import BlobStore
from vault.case_envelopes import EnvelopeInfo
from vault.cases import Case, CaseCreated, NewCase, Secret, StatusEvent
from vault.data_folder import DataFolder
from vault.database import ThreadConnections, opened
from vault.deadlines import Deadline, deadline_of
from vault.errors import BadInput
from vault.export_bundle import ExportSummary, export_bundle
from vault.file_times import park_access_times
from vault.folder_lock import FolderLock
from vault.group_commit import GroupCommitter
from vault.housekeeping import Housekeeping, SqliteHousekeeping
from vault.item_batch import ItemBatch
from vault.limits import Limits
from vault.questionnaires import QuestionnaireVersion
from vault.reply_import import ImportLimits, ImportSummary, import_reply_bundle
from vault.schema import migrate
from vault.staging import Staging
from vault.units import Unit, UnitSettings
from vault.working_days import calendar_for

if TYPE_CHECKING:
    from vault.console_store import SqliteConsoleStore
    from vault.staff import LoginThrottle


@dataclass(frozen=True)
class SweepReport:
    expired_uploads: int


@dataclass(frozen=True)
class NewItem:
    """An envelope sent whole (a message, a reply): id, kind and ciphertext."""

    item_id: str | bytes
    kind: str
    envelope: bytes


@runtime_checkable
class VaultStore(Protocol):
    """What the web app may ask of storage. Errors are :mod:`vault.errors`."""

    def instance_salt(self) -> bytes: ...

    # units
    def register_unit(self, card: bytes, *, rotation: bool = False) -> Unit: ...
    def list_units(self) -> list[Unit]: ...
    def get_unit(self, unit_id: str) -> Unit: ...
    def retire_unit(
        self, unit_id: str, *, forward_unit: str | None, forward_url: str | None, actor: str
    ) -> Unit: ...
    def remove_unit(self, unit_id: str, *, actor: str) -> Unit: ...
    def unit_settings(self, unit_id: str) -> UnitSettings: ...
    def current_questionnaire(self, unit_id: str) -> QuestionnaireVersion | None: ...
    def published_questionnaires(self, unit_id: str) -> list[QuestionnaireVersion]: ...
    def update_unit_settings(
        self,
        unit_id: str,
        *,
        retention_days: int | None = None,
        daily_case_ceiling: int | None = None,
        questionnaire: str | None = None,
    ) -> UnitSettings: ...

    # uploads in pieces
    def open_upload(self) -> str: ...
    def append_upload(
        self,
        token: str,
        item_id: str | bytes,
        offset: int,
        chunks: Iterable[bytes],
        *,
        declared_length: int | None = None,
    ) -> int: ...
    def upload_sizes(self, token: str) -> dict[str, int]: ...
    def discard_upload(self, token: str) -> None: ...

    # cases
    def create_case(self, new: NewCase) -> CaseCreated: ...
    def same_report(
        self, case_id: str | bytes, unit_id: str, selector: Secret, validator: Secret
    ) -> CaseCreated | None: ...
    def find_case(self, selector: Secret, validator: Secret) -> Case | None: ...
    def get_case(self, case_id: str | bytes) -> Case: ...
    def append_reporter_message(
        self,
        case_id: str | bytes,
        message_item_id: str | bytes,
        message: bytes,
        *,
        upload_token: str | None = None,
        attachment_item_ids: Sequence[str | bytes] = (),
    ) -> list[EnvelopeInfo]: ...
    def add_unit_envelopes(
        self, case_id: str | bytes, items: Sequence[NewItem]
    ) -> list[EnvelopeInfo]: ...
    def list_envelopes(self, case_id: str | bytes) -> list[EnvelopeInfo]: ...
    def stream_envelope(self, case_id: str | bytes, item_id: str | bytes) -> Iterator[bytes]: ...

    # lifecycle
    def set_status(self, case_id: str | bytes, status: CaseStatus) -> None: ...
    def status_events(self, case_id: str | bytes) -> list[StatusEvent]: ...
    def case_deadline(self, case_id: str | bytes) -> Deadline | None: ...
    def destroy_case(self, case_id: str | bytes) -> int: ...

    # housekeeping
    def close(self) -> None: ...
    def __enter__(self) -> VaultStore: ...
    def __exit__(self, *exc: object) -> None: ...
    def sweep(self) -> SweepReport: ...


class SqliteVaultStore(SqliteHousekeeping):
    """:class:`VaultStore` on one SQLite file (ciphertext included) in a data folder.

    It is also the operator commands' :class:`~vault.housekeeping.Housekeeping`
    store and opens the console's store on the same database
    (:meth:`console_store`), so no caller needs the file's path.

    Each thread keeps one connection (with every pragma) for all its
    operations (vault/database.py ThreadConnections), so one instance may be
    shared by threads and by worker processes. New cases and envelopes are
    written through one :class:`~vault.group_commit.GroupCommitter`: reports
    that arrive together are committed together, each acknowledged only
    once its commit returned.
    """

    def __init__(
        self,
        folder: DataFolder,
        *,
        limits: Limits | None = None,
        today: Today = jakarta_today,
    ) -> None:
        self.folder = folder
        self.limits = limits or Limits()
        self.today = today
        self._pepper: SecretBytes = folder.pepper()
        self._instance_salt = folder.instance_salt()  # read once: no atime per page
        self.import_limits = ImportLimits()
        self._folder_lock = FolderLock(folder.root)
        self._db = ThreadConnections(folder.database_path)
        # Reports, follow-up messages and upload pieces arriving together share one commit.
        self._commits = GroupCommitter(folder.database_path)
        self.blobs = BlobStore(self._db.opened)
        self.staging = Staging(self._db.opened, self._commits.run, self.limits, today)
        self._swept_on: dt.date | None = None

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        limits: Limits | None = None,
        today: Today = jakarta_today,
        sweep: bool = True,
    ) -> SqliteVaultStore:
        """Prepare the data folder, migrate the schema (and an earlier version's
        ciphertext files into rows), expire old uploads; return the store."""
        folder = DataFolder.prepare(path)
        with opened(folder.database_path) as db:
            migrate(db)
        move_blob_files(folder.root, folder.database_path)
        park_access_times(folder.database_path)
        store = cls(folder, limits=limits, today=today)
        if sweep:
            store.sweep()
        return store

    def close(self) -> None:
        """Let go of the data folder (its shared ``serving.lock``).

        A store that stays open, even one a script forgot, keeps every other
        start from sweeping a crash's leftovers at once (vault/folder_lock.py).
        """
        self._folder_lock.close()
        self._commits.close()

    def __enter__(self) -> SqliteVaultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _batch(self) -> ItemBatch:
        return ItemBatch(self.staging, self.limits)

    def console_store(self, *, throttle: LoginThrottle | None = None) -> SqliteConsoleStore:
        """The staff console's store on this store's database, day and limits."""
        from vault.console_store import SqliteConsoleStore

        return SqliteConsoleStore(
            self.folder.database_path, today=self.today, throttle=throttle, limits=self.limits
        )

    def spool_folder(self) -> Path:
        """Where the console spools an upload or an export (the data folder's disk)."""
        return self.folder.staging_path

    def instance_salt(self) -> bytes:
        return self._instance_salt

    # --- units ---------------------------------------------------------------

    def register_unit(self, card: bytes, *, rotation: bool = False) -> Unit:
        with self._db.opened() as db:
            return units.register_unit(db, card, today=self.today(), rotation=rotation)

    def list_units(self) -> list[Unit]:
        with self._db.opened() as db:
            return units.list_units(db)

    def get_unit(self, unit_id: str) -> Unit:
        with self._db.opened() as db:
            return units.get_unit(db, unit_id)

    def retire_unit(
        self, unit_id: str, *, forward_unit: str | None, forward_url: str | None, actor: str
    ) -> Unit:
        with self._db.opened() as db:
            return unit_lifetime.retire_unit(
                db, unit_id, forward_unit=forward_unit, forward_url=forward_url,
                today=self.today(), actor=actor,
            )  # fmt: skip

    def remove_unit(self, unit_id: str, *, actor: str) -> Unit:
        with self._db.opened() as db:
            return unit_lifetime.remove_unit(db, unit_id, today=self.today(), actor=actor)

    def unit_settings(self, unit_id: str) -> UnitSettings:
        with self._db.opened() as db:
            return units.get_settings(db, unit_id)

    def current_questionnaire(self, unit_id: str) -> QuestionnaireVersion | None:
        """The unit's newest published questionnaire; ``None``: the built-in one."""
        with self._db.opened() as db:
            return questionnaires.current(db, unit_id)

    def published_questionnaires(self, unit_id: str) -> list[QuestionnaireVersion]:
        """Every questionnaire version the unit published, oldest first."""
        with self._db.opened() as db:
            return questionnaires.versions(db, unit_id)

    def update_unit_settings(
        self,
        unit_id: str,
        *,
        retention_days: int | None = None,
        daily_case_ceiling: int | None = None,
        questionnaire: str | None = None,
    ) -> UnitSettings:
        with self._db.opened() as db:
            return units.update_settings(
                db,
                unit_id,
                retention_days=retention_days,
                daily_case_ceiling=daily_case_ceiling,
                questionnaire=questionnaire,
            )

    # --- uploads -------------------------------------------------------------

    def open_upload(self) -> str:
        if self._swept_on != self.today():
            # Once a day in a long-running server (and at every start): expired
            # sessions go with their ciphertext. A race runs it twice, harmlessly.
            self.sweep()
        return self.staging.open_session()

    def append_upload(
        self,
        token: str,
        item_id: str | bytes,
        offset: int,
        chunks: Iterable[bytes],
        *,
        declared_length: int | None = None,
    ) -> int:
        if isinstance(item_id, bytes):
            item_id = item_id.hex()
        if not isinstance(offset, int) or offset < 0:
            raise BadInput("The offset is not valid.", field="offset")
        return self.staging.append(token, item_id, offset, chunks, declared_length=declared_length)

    def upload_sizes(self, token: str) -> dict[str, int]:
        return self.staging.sizes(token)

    def discard_upload(self, token: str) -> None:
        self.staging.discard(token)

    # --- cases ---------------------------------------------------------------

    def create_case(self, new: NewCase) -> CaseCreated:
        with self._db.opened() as db:
            created = cases.create_case(
                db,
                self._batch(),
                new,
                pepper=self._pepper,
                today=self.today(),
                commit=self._commits.run,
            )
        if new.upload_token is not None:
            self._discard_after_commit(new.upload_token)
        return created

    def same_report(
        self, case_id: str | bytes, unit_id: str, selector: Secret, validator: Secret
    ) -> CaseCreated | None:
        with self._db.opened() as db:
            return cases.same_report(db, case_id, unit_id, selector, validator, pepper=self._pepper)

    def find_case(self, selector: Secret, validator: Secret) -> Case | None:
        with self._db.opened() as db:
            return cases.find_case(db, self._pepper, selector, validator)

    def get_case(self, case_id: str | bytes) -> Case:
        with self._db.opened() as db:
            return cases.get_case(db, case_id)

    def append_reporter_message(
        self,
        case_id: str | bytes,
        message_item_id: str | bytes,
        message: bytes,
        *,
        upload_token: str | None = None,
        attachment_item_ids: Sequence[str | bytes] = (),
    ) -> list[EnvelopeInfo]:
        batch = self._batch()
        batch.add_inline(message_item_id, "message", message)
        if attachment_item_ids and upload_token is None:
            raise BadInput("Attachments need their upload session.", field="upload_token")
        for item_id in attachment_item_ids:
            batch.add_staged(upload_token or "", item_id)
        with self._db.opened() as db:
            added = case_envelopes.append_envelopes(
                db,
                batch,
                case_id,
                author="reporter",
                today=self.today(),
                commit=self._commits.run,
                limits=self.limits,
            )
        if upload_token is not None:
            self._discard_after_commit(upload_token)
        return added

    def _discard_after_commit(self, token: str) -> None:
        """Remove a used upload session once its commit returned.

        The case or message is committed and must be answered as such: a
        failure here (a full disk while wiping) leaves the session to the
        daily sweep instead of turning a stored report into an error that
        the reporter would retry into "already exists".
        """
        with contextlib.suppress(OSError, sqlite3.Error):
            self.staging.discard(token)

    def add_unit_envelopes(
        self, case_id: str | bytes, items: Sequence[NewItem]
    ) -> list[EnvelopeInfo]:
        batch = self._batch()
        for item in items:
            if item.kind not in ("reply", "forward"):
                raise BadInput("A unit adds replies or forwards only.", field="kind")
            batch.add_inline(item.item_id, item.kind, item.envelope)
        with self._db.opened() as db:
            return case_envelopes.append_envelopes(
                db, batch, case_id, author="unit", today=self.today(), commit=self._commits.run
            )

    def list_envelopes(self, case_id: str | bytes) -> list[EnvelopeInfo]:
        with self._db.opened() as db:
            return case_envelopes.list_envelopes(db, case_id)

    def stream_envelope(self, case_id: str | bytes, item_id: str | bytes) -> Iterator[bytes]:
        with self._db.opened() as db:
            return case_envelopes.stream_envelope(db, self.blobs, case_id, item_id)

    # --- lifecycle -----------------------------------------------------------

    def set_status(self, case_id: str | bytes, status: CaseStatus) -> None:
        with self._db.opened() as db:
            cases.set_status(db, case_id, status, today=self.today())

    def status_events(self, case_id: str | bytes) -> list[StatusEvent]:
        with self._db.opened() as db:
            return cases.status_events(db, case_id)

    def case_deadline(self, case_id: str | bytes) -> Deadline | None:
        """The deadline the reporter's page shows (vault/deadlines.py), or ``None``."""
        with self._db.opened() as db:
            case = cases.get_case(db, case_id)
            return deadline_of(db, case, self.today(), calendar=calendar_for(self.folder.root))

    def destroy_case(self, case_id: str | bytes) -> int:
        """Remove a case's rows and ciphertext, then empty the log; return how many envelopes."""
        with self._db.opened() as db:
            return retention.destroy_case(db, case_id)

    # --- bundles (BundleStore) ------------------------------------------------

    def export_bundle(
        self,
        unit_id: str,
        out: BinaryIO,
        *,
        actor: str,
        on_written: Callable[[], None] | None = None,
    ) -> ExportSummary:
        """Write the unit's next export bundle to ``out``; record it once on disk."""
        with self._db.opened() as db:
            return export_bundle(
                db, unit_id, out, actor=actor, today=self.today(), on_written=on_written
            )

    def import_reply_bundle(self, src: BinaryIO, *, actor: str) -> ImportSummary:
        """Check a signed reply bundle completely, then apply all of it or nothing."""
        with self._db.opened() as db:
            return import_reply_bundle(
                db,
                self._batch,
                src,
                actor=actor,
                today=self.today(),
                spill_dir=self.folder.staging_path,
                limits=self.import_limits,
            )

    # --- housekeeping --------------------------------------------------------

    def sweep(self) -> SweepReport:
        """Expire old upload sessions (their pieces are deleted with them)."""
        self._swept_on = self.today()
        return SweepReport(self.staging.sweep())


@runtime_checkable
class BundleStore(Protocol):
    """Bundles across the air gap (docs/spec/bundles-v1.md); the console enforces roles."""

    def export_bundle(
        self,
        unit_id: str,
        out: BinaryIO,
        *,
        actor: str,
        on_written: Callable[[], None] | None = None,
    ) -> ExportSummary: ...
    def import_reply_bundle(self, src: BinaryIO, *, actor: str) -> ImportSummary: ...


def open_store(
    path: str | Path | None = None,
    *,
    limits: Limits | None = None,
    today: Today = jakarta_today,
    sweep: bool = True,
) -> VaultStore:
    """The store on the data folder ``path`` (or ``$PELUIT_DATA``, ``./var``), its rows in
    the data folder's SQLite file or in PostgreSQL (:func:`select_engine`).

    ``sweep=False`` for a command that only reads or changes units: no upload
    session is expired on the way."""
    return SqliteVaultStore.open(path, limits=limits, today=today, sweep=sweep)


def select_engine(database_url: str) -> None:
    """Keep this process's vault on PostgreSQL at ``database_url`` (docs/scale.md)."""
    from vault.database import select_database

    select_database(database_url)


def open_housekeeping(path: str | Path | None = None) -> Housekeeping:
    """The store the operator commands use (migrated first, no upload sweep)."""
    return SqliteVaultStore.open(path, sweep=False)
