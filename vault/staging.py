"""Upload sessions: ciphertext pieces appended in order, under size limits.

A reporter's browser uploads each attachment envelope in pieces. A session
(a random token) holds the pieces of one report (or one follow-up message)
until the case or message is committed, when its files are promoted into the
blob store.

On disk: ``staging/<hash of token>.session`` (the day the session opened,
for expiry; also the lock of the session) and, from the first piece on, a
folder ``staging/<hash of token>/`` with one ``<item id>.part`` per file. A
report without attachments never creates the folder.

Nothing in staging is promised to survive a crash: no ``201`` has been given
for it. So neither the session record nor the pieces are fsynced here; a
staged file is fsynced once, when the case that names it is committed
(:meth:`vault.blob_store.BlobStore.adopt`). After a crash a session may be
gone (the client starts again) or hold fewer bytes than the pieces it
acknowledged (the client's next piece is then out of order, ``409``, and
the report is sent again): a ``200`` for a piece promises nothing durable,
only the case's ``201`` does. A piece names the offset it starts at; it
must equal the bytes already staged for that file (:class:`Conflict`
otherwise, with ``expected_offset``), so pieces arrive in order and a
retried piece is never duplicated. A piece is all or nothing: if
it would cross the per-file or per-report limit, or the stream fails, the
file is cut back to where the piece began. Bytes beyond a limit are never
written. The first piece of a file must start like an envelope v1 (magic and
recipient count), so stray plaintext is refused before it touches the disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from vault.days import Today, day_text
from vault.durable_file import FILE_MODE, ensure_dir, overwrite_and_unlink
from vault.envelope_shape import PREFIX_SIZE, check_envelope_prefix
from vault.errors import Conflict, LimitExceeded, NotFound
from vault.identifiers import check_upload_token, new_upload_token, parse_id, upload_folder_name
from vault.limits import Limits

PART_SUFFIX = ".part"
SESSION_SUFFIX = ".session"
_PART_NAME = re.compile(r"([0-9a-f]{32})\.part\Z")
# Chunks of a piece are written together, up to this many bytes and buffers.
WRITE_BATCH = 1 << 20
_MAX_IOV = 512  # below IOV_MAX (1024 on Linux)


class OffsetConflict(Conflict):
    """A piece that does not start where the staged file ends."""

    default_message = "This piece is out of order."

    def __init__(self, expected_offset: int) -> None:
        super().__init__(what="offset")
        self.expected_offset = expected_offset


class Staging:
    def __init__(self, root: Path, limits: Limits, today: Today) -> None:
        self.root = root
        self.limits = limits
        self.today = today

    # --- sessions ---------------------------------------------------------

    def open_session(self) -> str:
        """Start a session; return its token (a bearer secret for the client)."""
        token = new_upload_token()
        ensure_dir(self.root)
        # One small file, not fsynced (see the module docstring): a crash
        # before it reaches the disk leaves nothing or an empty record, which
        # reads as expired.
        fd = os.open(
            _record(self.root / upload_folder_name(token)),
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
            FILE_MODE,
        )
        try:
            os.write(fd, day_text(self.today()).encode("ascii"))
        finally:
            os.close(fd)
        return token

    # Each piece checks its session twice (before its body is read, and under
    # the lock while it is written): these paths use plain ``os`` calls on
    # string paths, which cost a fraction of the ``pathlib`` ones.

    def _folder_name(self, token: str) -> str:
        """The session's folder (which exists only once a piece arrived)."""
        return os.path.join(os.fspath(self.root), upload_folder_name(check_upload_token(token)))

    def _check_day(self, day: dt.date) -> None:
        # Sessions carry only their day: one opened yesterday may still be
        # used today (a report started before midnight), never later.
        oldest = self.today() - dt.timedelta(days=self.limits.upload_max_age_days)
        if day < oldest:
            raise NotFound("This upload session has expired or does not exist.", what="upload")

    def _folder(self, token: str) -> Path:
        folder = self._folder_name(token)
        self._check_day(_session_day(folder))
        return Path(folder)

    @contextlib.contextmanager
    def _locked(self, token: str) -> Iterator[str]:
        """The session's folder, with the session locked (its record ``flock``ed)."""
        folder = self._folder_name(token)
        try:
            fd = os.open(folder + SESSION_SUFFIX, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise NotFound(
                "This upload session has expired or does not exist.", what="upload"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink == 0:  # discarded while we waited
                raise NotFound("This upload session has expired or does not exist.", what="upload")
            self._check_day(_parse_day(os.pread(fd, 64, 0)))
            yield folder
        finally:
            os.close(fd)

    def sizes(self, token: str) -> dict[str, int]:
        """Bytes staged so far, per item id."""
        folder = self._folder_name(token)
        self._check_day(_session_day(folder))
        return _sizes(folder)

    def discard(self, token: str) -> None:
        """Remove a session and everything staged in it."""
        with contextlib.suppress(NotFound), self._locked(token) as folder:
            _remove_session(Path(folder))

    # --- pieces -----------------------------------------------------------

    def append(
        self,
        token: str,
        item_id: str,
        offset: int,
        chunks: Iterable[bytes],
        *,
        declared_length: int | None = None,
    ) -> int:
        """Append one piece to a staged file; return the file's new size."""
        item = parse_id(item_id, "item_id")
        per_file = self.limits.attachment_ciphertext_max
        per_report = self.limits.report_ciphertext_max
        with self._locked(token) as folder:
            sizes = _sizes(folder)
            current = sizes.get(item, 0)
            if item not in sizes and len(sizes) >= self.limits.attachments_per_upload:
                raise LimitExceeded(
                    "Too many files in one report.",
                    limit_name="attachments_per_upload",
                    limit=self.limits.attachments_per_upload,
                )
            if offset != current:
                raise OffsetConflict(current)
            others = sum(sizes.values()) - current
            if declared_length is not None:
                _check_room(current + declared_length, others, per_file, per_report)
            if current == 0:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(folder, 0o700)
            path = os.path.join(folder, item + PART_SUFFIX)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                try:
                    written = _append_bounded(fd, current, chunks, others, per_file, per_report)
                except BaseException:
                    # Nothing of a refused piece is kept. Nothing in staging is
                    # durable before its commit, so there is nothing to fsync.
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, current)
                    if current == 0:
                        with contextlib.suppress(FileNotFoundError):
                            os.unlink(path)
                    raise
                # No fsync: durable when the case is committed (adopt). But the
                # kernel is asked to start writing the piece out now, so a large
                # file is on its way to the disk while the rest arrives and the
                # commit's fsync has little left to do (and its pages leave the
                # cache once written instead of crowding out the database's).
                # Only a hint: the piece is written whether or not it works.
                with contextlib.suppress(OSError):
                    _start_writeback(fd, current, written)
            finally:
                os.close(fd)
            return current + written

    def staged_file(self, token: str, item_id: str) -> Path:
        """The path of a staged file (for promotion into the blob store)."""
        path = self._folder(token) / f"{parse_id(item_id, 'item_id')}{PART_SUFFIX}"
        if not path.is_file():
            raise NotFound("This file was not uploaded.", what="staged_item")
        return path

    # --- expiry -------------------------------------------------------------

    def sweep(self) -> int:
        """Remove sessions older than the limit and half-made ones; return how many."""
        if not self.root.is_dir():
            return 0
        oldest = self.today() - dt.timedelta(days=self.limits.upload_max_age_days)
        removed = 0
        for entry in self.root.iterdir():
            if entry.name.endswith(SESSION_SUFFIX) and entry.is_file():
                folder = entry.with_suffix("")
                if _session_day(folder) < oldest and _remove_unless_busy(folder):
                    removed += 1
            elif entry.is_dir() and not _record(entry).exists():
                # Half-made (a crash while discarding), or an earlier layout's
                # session (``<name>/day``): no record, so nobody can use it.
                _remove_folder(entry)
                removed += 1
        return removed


def _check_room(file_size: int, others: int, per_file: int, per_report: int) -> None:
    if file_size > per_file:
        raise LimitExceeded(
            "This file is larger than the vault accepts.",
            limit_name="attachment_ciphertext_max",
            limit=per_file,
        )
    if others + file_size > per_report:
        raise LimitExceeded(
            "These files together are larger than one report may be.",
            limit_name="report_ciphertext_max",
            limit=per_report,
        )


def _with_envelope_prefix(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pass ``chunks`` through, refusing a stream that does not start like an envelope."""
    iterator = iter(chunks)
    held: list[bytes] = []  # the chunks until the prefix is complete (usually one)
    size = 0
    for chunk in iterator:
        held.append(chunk)
        size += len(chunk)
        if size >= PREFIX_SIZE:
            break
    head = held[0] if len(held) == 1 else b"".join(held)
    check_envelope_prefix(bytes(head[:PREFIX_SIZE]), "attachment")
    yield head
    yield from iterator


def _append_bounded(
    fd: int, start: int, chunks: Iterable[bytes], others: int, per_file: int, per_report: int
) -> int:
    """Write ``chunks`` at ``start``, refusing (before writing them) bytes past a
    limit. Chunks are gathered up to ``WRITE_BATCH`` bytes and written with one
    ``writev``: a 1 MiB piece that came in as a few network reads is one
    system call and no copy."""
    os.lseek(fd, start, os.SEEK_SET)
    written = 0
    if start == 0:
        chunks = _with_envelope_prefix(chunks)
    batch: list[bytes] = []
    size = 0
    for chunk in chunks:
        if not chunk:
            continue
        _check_room(start + written + size + len(chunk), others, per_file, per_report)
        batch.append(chunk)
        size += len(chunk)
        if size >= WRITE_BATCH or len(batch) >= _MAX_IOV:
            written += _write_all(fd, batch)
            batch, size = [], 0
    if batch:
        written += _write_all(fd, batch)
    return written


def _start_writeback(fd: int, start: int, length: int) -> None:
    """Start writing ``length`` bytes at ``start`` to the disk without waiting
    (``POSIX_FADV_DONTNEED`` on Linux starts the writeback of dirty pages and
    drops clean ones); a no-op where there is no ``posix_fadvise``. Not a
    durability step: only the fsync at the commit is."""
    fadvise = getattr(os, "posix_fadvise", None)
    if fadvise is not None and length > 0:
        fadvise(fd, start, length, os.POSIX_FADV_DONTNEED)


def _write_all(fd: int, chunks: list[bytes]) -> int:
    """Write every byte of ``chunks`` (``writev``, resumed after a short write)."""
    views = [memoryview(chunk).cast("B") for chunk in chunks]
    total = sum(len(view) for view in views)
    left = total
    while left > 0:
        n = os.writev(fd, views)
        left -= n
        while views and n >= len(views[0]):
            n -= len(views[0])
            views.pop(0)
        if n:
            views[0] = views[0][n:]
    return total


def _record(folder: Path) -> Path:
    return folder.with_name(folder.name + SESSION_SUFFIX)


def _sizes(folder: str | Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    try:
        entries = os.scandir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return sizes  # no piece yet
    with entries:
        for entry in entries:
            match = _PART_NAME.match(entry.name)
            if match:
                sizes[match[1]] = entry.stat().st_size
    return sizes


def _parse_day(text: bytes) -> dt.date:
    try:
        return dt.date.fromisoformat(text.decode("ascii").strip())
    except ValueError:  # empty, damaged or half-made (also bad ASCII)
        return dt.date.min


def _session_day(folder: str | Path) -> dt.date:
    """The day a session was opened; ``date.min`` (expired) if its record is
    missing, damaged or half-made."""
    try:
        fd = os.open(os.fspath(folder) + SESSION_SUFFIX, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return dt.date.min
    try:
        return _parse_day(os.read(fd, 64))
    except OSError:
        return dt.date.min
    finally:
        os.close(fd)


def _remove_unless_busy(folder: Path) -> bool:
    """Remove an expired session unless a piece is being appended right now."""
    try:
        fd = os.open(_record(folder), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        _remove_folder(folder)  # removed meanwhile, or half-made
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        _remove_session(folder)
        return True
    finally:
        os.close(fd)


def _remove_session(folder: Path) -> None:
    """The folder first, then the record: a folder without a record is never in use."""
    _remove_folder(folder)
    # The record holds a day, nothing else: no overwrite, no fsync (a record
    # that comes back after a crash is a session nobody uses; it expires).
    _record(folder).unlink(missing_ok=True)


def _remove_folder(folder: Path) -> None:
    """Wipe whatever ciphertext is still staged (usually nothing: the case
    adopted it), then remove the folder."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_file() and not entry.is_symlink():
            overwrite_and_unlink(entry)
    shutil.rmtree(folder, ignore_errors=True)
