"""Ciphertext blobs on disk, named only by their random item id.

``blobs/<first two hex digits>/<item id hex>``. A blob is written atomically
(temporary file in the same folder, fsync, rename, folder fsync), read as a
stream, and deleted by overwriting it with zeros before unlinking. Once its
database row is committed its times are set to the epoch
(:meth:`BlobStore.settle`), so the file system keeps no submission time.

A blob whose row never got committed (a crash between the rename and the
commit) is an orphan: :meth:`BlobStore.sweep` removes orphans and stale
temporary files, leaving recent ones alone because they may belong to a
transaction in progress in another worker.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from vault.durable_file import (
    DIR_MODE,
    TEMP_PREFIX,
    blur_times,
    ensure_dir,
    fsync_dir,
    fsync_file,
    overwrite_and_unlink,
    publish,
    write_temp,
)
from vault.errors import Conflict, LimitExceeded, NotFound
from vault.identifiers import parse_id

READ_BLOCK = 1 << 16
_BLOB_NAME = re.compile(r"[0-9a-f]{32}\Z")
_FANOUT_NAME = re.compile(r"[0-9a-f]{2}\Z")


@dataclass
class SweepResult:
    orphans_removed: int = 0
    temp_files_removed: int = 0


def _bounded(chunks: Iterable[bytes], max_bytes: int, limit_name: str) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise LimitExceeded(limit_name=limit_name, limit=max_bytes)
        yield chunk


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def prepare(self) -> None:
        """Make all 256 fan-out folders now (one fsync of the root if any was
        missing), so no commit pays a ``mkdir`` and its parent's fsync."""
        ensure_dir(self.root)
        made = False
        for number in range(256):
            fanout = self.root / f"{number:02x}"
            if not fanout.is_dir():
                with contextlib.suppress(FileExistsError):
                    fanout.mkdir(mode=DIR_MODE)
                blur_times(fanout)
                made = True
        if made:
            fsync_dir(self.root)

    def path_for(self, item_id: str) -> Path:
        item = parse_id(item_id, "item_id")
        return self.root / item[:2] / item

    def exists(self, item_id: str) -> bool:
        return self.path_for(item_id).is_file()

    def put(self, item_id: str, chunks: Iterable[bytes], *, max_bytes: int) -> int:
        """Store a new blob from a stream (bounded memory); return its size.

        Refuses (:class:`Conflict`) an id that is already stored and
        (:class:`LimitExceeded`) a stream longer than ``max_bytes``; in both
        cases nothing is left behind.
        """
        target = self.path_for(item_id)
        if target.exists():
            raise Conflict("This item already exists.", what="item_id")
        ensure_dir(target.parent)
        temp, written = write_temp(target.parent, _bounded(chunks, max_bytes, "blob"))
        try:
            publish(temp, target, replace=False)
        except FileExistsError:
            raise Conflict("This item already exists.", what="item_id") from None
        return written

    def adopt(self, item_id: str, source: Path) -> None:
        """Move a finished staged upload into the store atomically.

        Staging never fsyncs its pieces (nothing is promised before the
        commit), so the file's content is flushed here, once, before it is
        linked under its final name."""
        target = self.path_for(item_id)
        ensure_dir(target.parent)
        fsync_file(source)
        os.utime(source)  # "recent": the orphan sweep leaves it alone until the commit
        try:
            os.link(source, target)
        except FileExistsError:
            raise Conflict("This item already exists.", what="item_id") from None
        source.unlink()
        fsync_dir(target.parent)
        fsync_dir(source.parent)

    def release(self, item_id: str, destination: Path) -> None:
        """Undo :meth:`adopt`: move the blob back to ``destination``."""
        source = self.path_for(item_id)
        os.replace(source, destination)
        fsync_dir(destination.parent)
        fsync_dir(source.parent)

    def settle(self, item_id: str) -> None:
        """Forget when the blob was written (its row is committed now)."""
        path = self.path_for(item_id)
        blur_times(path)
        blur_times(path.parent)

    def size(self, item_id: str) -> int:
        try:
            return self.path_for(item_id).stat().st_size
        except FileNotFoundError:
            raise NotFound(what="blob") from None

    def open(self, item_id: str) -> BinaryIO:
        """An open binary file; the caller closes it."""
        try:
            return self.path_for(item_id).open("rb")
        except FileNotFoundError:
            raise NotFound(what="blob") from None

    def stream(self, item_id: str, block: int = READ_BLOCK) -> BlobStream:
        """The blob in blocks of at most ``block`` bytes. Opens at once (so a
        missing blob raises :class:`NotFound` here); the file is closed when
        the stream is exhausted, closed, or garbage-collected."""
        return BlobStream(self.open(item_id), block)

    def delete(self, item_id: str) -> None:
        """Overwrite the blob with zeros, fsync, unlink. Missing is fine."""
        overwrite_and_unlink(self.path_for(item_id))

    def item_ids(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for fanout in sorted(self.root.iterdir()):
            if not fanout.is_dir() or not _FANOUT_NAME.match(fanout.name):
                continue
            for entry in fanout.iterdir():
                if _BLOB_NAME.match(entry.name) and entry.name.startswith(fanout.name):
                    yield entry.name

    def sweep(
        self,
        known: Callable[[list[str]], set[str]],
        *,
        grace_seconds: float | None,
        now: float | None = None,
    ) -> SweepResult:
        """Remove orphan blobs (ids ``known`` does not return) and stale temp files.

        Files modified within ``grace_seconds`` are left alone; ``None`` means
        no other process can be writing (vault/folder_lock.py), so every
        leftover goes, whatever its timestamp says. ``known`` receives batches
        of ids and returns those that have a database row.
        """
        result = SweepResult()
        cutoff = (
            math.inf
            if grace_seconds is None
            else (time.time() if now is None else now) - grace_seconds
        )
        batch: list[str] = []

        def flush() -> None:
            stored = known(batch)
            for item in batch:
                if item not in stored and _older_than(self.path_for(item), cutoff):
                    self.delete(item)
                    result.orphans_removed += 1
                elif item in stored and _has_time(self.path_for(item)):
                    # A crash between the commit and settle() left the time on it.
                    self.settle(item)
            batch.clear()

        for item in self.item_ids():
            batch.append(item)
            if len(batch) >= 500:
                flush()
        if batch:
            flush()
        if self.root.is_dir():
            for fanout in self.root.iterdir():
                if not fanout.is_dir():
                    continue
                for entry in fanout.iterdir():
                    if entry.name.startswith(TEMP_PREFIX) and _older_than(entry, cutoff):
                        overwrite_and_unlink(entry)
                        result.temp_files_removed += 1
        return result


class BlobStream(Iterator[bytes]):
    """An open blob read block by block; also a context manager."""

    def __init__(self, handle: BinaryIO, block: int) -> None:
        self._handle = handle
        self._block = block

    def __next__(self) -> bytes:
        if self._handle.closed:
            raise StopIteration
        data = self._handle.read(self._block)
        if not data:
            self.close()
            raise StopIteration
        return data

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> BlobStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def _has_time(path: Path) -> bool:
    with contextlib.suppress(FileNotFoundError):
        return path.lstat().st_mtime != 0
    return False


def _older_than(path: Path, cutoff: float) -> bool:
    with contextlib.suppress(FileNotFoundError):
        return path.lstat().st_mtime < cutoff
    return False
