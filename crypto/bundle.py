"""Bundles across the air gap: the streaming reader (docs/spec/bundles-v1.md).

Both sides read bundles as hostile input. :class:`BundleReader` enforces
every bound before it reads what the bound guards (JSON parts at most
64 KiB, each ``data_len`` by its entry type, by the header's declared
totals and by the caller's limits), parses JSON strictly, streams entry
data in bounded blocks into memory (small data) or into a file from the
caller's factory (so a multi-GiB bundle needs little memory), and checks
every entry's SHA-256, the trailer, and that nothing follows the end.

Nothing read is trustworthy until :meth:`BundleReader.entries` has run to
its end without raising, and, for a reply bundle, until the caller has
checked :attr:`BundleReader.signature` over :attr:`BundleReader.signed_digest`
with the key it trusts (:func:`verify_signature`). The writer lives in
:mod:`crypto.bundle_writer`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Final

from common.strict_json import load_object
from crypto import envelope, labels
from crypto.bundle_schema import (
    CASE,
    ENTRY_NAMES,
    ENVELOPE,
    MAX_DATA,
    QUESTIONNAIRE,
    REPLY,
    SCHEMAS,
    TEMPLATE,
    TRAILER,
    TRAILER_SCHEMA,
    TYPES,
    BundleError,
    Kind,
    check_fields,
    check_header,
)
from crypto.bundle_writer import MAGICS, MAX_JSON, BundleWriter
from crypto.errors import SignatureError
from crypto.signing import SIGNATURE_SIZE, VerifyKey

__all__ = [
    "BundleError",
    "BundleReader",
    "BundleWriter",
    "Entry",
    "EntryData",
    "Kind",
    "ReaderLimits",
    "verify_signature",
]

BLOCK: Final = 1 << 16
SPILL_BLOCK: Final = 1 << 20
"""Block size for data spilled to a file: fewer reads, writes and hash calls per GiB."""
ENVELOPE_PREFIX: Final = len(envelope.MAGIC) + envelope.NONCE_SIZE + 1

SpillFactory = Callable[[], BinaryIO]
"""Returns a new, empty, readable and writable binary file (a temporary file)."""


@dataclass(frozen=True)
class ReaderLimits:
    """The reader's own bounds, on top of the spec's."""

    max_entries: int = 100_000
    max_data_total: int = 1 << 40
    spill_threshold: int = 1 << 16
    """Entry data larger than this goes to a file from the spill factory."""


class EntryData:
    """An entry's data, checked against its SHA-256: in memory or in a spilled file."""

    def __init__(self, size: int, handle: BinaryIO) -> None:
        self.size = size
        self._handle = handle

    def open(self) -> BinaryIO:
        """The data as a file positioned at its start (shared: do not close it)."""
        self._handle.seek(0)
        return self._handle

    def read(self) -> bytes:
        """The whole data (only for data you know is small)."""
        return self.open().read(self.size)

    def close(self) -> None:
        self._handle.close()


@dataclass(frozen=True)
class Entry:
    number: int
    """1 for the first entry, as error messages count."""
    type: int
    meta: dict[str, Any]
    data: EntryData = field(repr=False)

    @property
    def name(self) -> str:
        return ENTRY_NAMES[self.type]


def _truncated() -> BundleError:
    return BundleError("truncated", "the file ends early (truncated)")


class _HashingSource:
    """Reads exactly what is asked or raises ``truncated``; hashes everything read."""

    def __init__(self, src: BinaryIO) -> None:
        self._src = src
        self.hash = hashlib.sha256()

    def exact(self, size: int) -> bytes:
        parts: list[bytes] = []
        left = size
        while left:
            part = self._src.read(min(left, BLOCK))
            if not part:
                raise _truncated()
            parts.append(part)
            left -= len(part)
        data = b"".join(parts)
        self.hash.update(data)
        return data

    def into(self, view: memoryview) -> None:
        filled = 0
        readinto = getattr(self._src, "readinto", None)
        while filled < len(view):
            if readinto is not None:
                count = readinto(view[filled:])
            else:
                part = self._src.read(len(view) - filled)
                count = len(part)
                view[filled : filled + count] = part
            if not count:
                raise _truncated()
            filled += count
        self.hash.update(view)

    def at_end(self) -> bool:
        return self._src.read(1) == b""


class BundleReader:
    """Reads one bundle of ``kind`` from ``src``; the header is read and checked at once."""

    def __init__(
        self,
        src: BinaryIO,
        kind: Kind,
        spill: SpillFactory,
        limits: ReaderLimits | None = None,
    ) -> None:
        self.kind = kind
        self.limits = limits or ReaderLimits()
        self._src = _HashingSource(src)
        self._spill = spill
        self.signed_digest: bytes | None = None
        self.signature: bytes | None = None
        self._file_sha256: str | None = None
        magic = self._src.exact(len(MAGICS[kind]))
        if magic != MAGICS[kind]:
            raise BundleError("magic", f"this is not a Peluit {kind.value} bundle, version 1")
        self.header: dict[str, Any] = self._json("the header")
        check_header(kind, self.header)

    def _json(self, where: str) -> dict[str, Any]:
        size = int.from_bytes(self._src.exact(4), "big")
        if size > MAX_JSON:
            raise BundleError("json_size", f"{where} is larger than 64 KiB")
        try:
            return load_object(self._src.exact(size))
        except ValueError:
            raise BundleError("json", f"{where} is not a strict JSON object") from None

    def entries(self) -> Iterator[Entry]:
        """Each entry, checked; then the trailer, signature and end of file.

        Raises :class:`BundleError` at the first defect. Entry data are the
        caller's to close (also when a later entry fails).
        """
        state = _Totals(self.kind, self.header, self.limits)
        number = 0
        while True:
            before = self._src.hash.copy()
            entry_type = self._src.exact(1)[0]
            if entry_type == TRAILER:
                self._trailer(number, before.hexdigest())
                state.check_complete()
                # Only a bundle that passed every check has a file hash to give.
                self._file_sha256 = self._src.hash.hexdigest()
                return
            number += 1
            if entry_type not in TYPES[self.kind]:
                raise BundleError(
                    "entry_type", f"entry {number} has an unknown type 0x{entry_type:02x}"
                )
            where = f"entry {number}'s meta"
            meta = self._json(where)
            check_fields(meta, SCHEMAS[entry_type], where)
            state.admit_meta(number, entry_type, meta)
            data_len = int.from_bytes(self._src.exact(8), "big")
            state.admit_data(number, entry_type, meta, data_len)
            yield Entry(number, entry_type, meta, self._data(number, entry_type, meta, data_len))

    def _data(self, number: int, entry_type: int, meta: dict[str, Any], size: int) -> EntryData:
        handle: BinaryIO = io.BytesIO() if size <= self.limits.spill_threshold else self._spill()
        data = EntryData(size, handle)
        try:
            digest = hashlib.sha256()
            block = BLOCK if size <= self.limits.spill_threshold else SPILL_BLOCK
            buffer = memoryview(bytearray(min(block, max(size, 1))))
            left = size
            first = True
            while left:
                view = buffer[: min(left, len(buffer))]
                self._src.into(view)
                if first and entry_type in (ENVELOPE, REPLY):
                    _check_envelope_prefix(number, view, size)
                first = False
                digest.update(view)
                handle.write(view)
                left -= len(view)
            if entry_type in (ENVELOPE, REPLY) and size == 0:
                _check_envelope_prefix(number, memoryview(b""), 0)
            expected = meta["digest"] if entry_type == QUESTIONNAIRE else meta.get("sha256")
            if expected is not None and not hmac.compare_digest(digest.hexdigest(), expected):
                raise BundleError(
                    "entry_sha256", f"entry {number}'s sha256 does not match its data"
                )
            handle.flush()
        except BaseException:
            data.close()
            raise
        return data

    def _trailer(self, count: int, expected_sha256: str) -> None:
        trailer = self._json("the trailer")
        check_fields(trailer, TRAILER_SCHEMA, "the trailer")
        if int.from_bytes(self._src.exact(8), "big") != 0:
            raise BundleError("trailer", "the trailer's data length is not 0")
        if trailer["entries"] != count:
            raise BundleError("trailer_entries", "the trailer's entry count does not match")
        if not hmac.compare_digest(trailer["sha256"], expected_sha256):
            raise BundleError("trailer_sha256", "the trailer's sha256 does not match the bundle")
        if self.kind is Kind.REPLY:
            self.signed_digest = self._src.hash.digest()
            self.signature = self._src.exact(SIGNATURE_SIZE)
        if not self._src.at_end():
            raise BundleError("trailing_bytes", "there are bytes after the end of the bundle")

    @property
    def file_sha256(self) -> str:
        """SHA-256 (hex) of the whole bundle file, once :meth:`entries` has run to its end.

        The reader hashes every byte it reads for the trailer and the
        signature, and it reads the file to its last byte: a caller that
        records the file's hash needs no second pass over it.
        """
        if self._file_sha256 is None:
            raise BundleError("incomplete", "the bundle was not read to its end")
        return self._file_sha256


def _check_envelope_prefix(number: int, view: memoryview, size: int) -> None:
    head = bytes(view[:ENVELOPE_PREFIX])
    if (
        size < ENVELOPE_PREFIX
        or len(head) < ENVELOPE_PREFIX
        or head[: len(envelope.MAGIC)] != envelope.MAGIC
        or not 1 <= head[-1] <= envelope.MAX_RECIPIENTS
    ):
        raise BundleError("envelope_shape", f"entry {number} does not start like an envelope v1")


def _add_new(seen: set[str], value: str, refusal: str) -> None:
    """Add ``value`` to ``seen``; an entry that repeats one is refused with ``refusal``."""
    if value in seen:
        raise BundleError("duplicate", refusal)
    seen.add(value)


class _Totals:
    """Counts, duplicates and bounds across entries, checked before data is read."""

    def __init__(self, kind: Kind, header: dict[str, Any], limits: ReaderLimits) -> None:
        self.kind = kind
        self.header = header
        self.limits = limits
        self.entries = 0
        self.data = 0
        self.envelope_bytes = 0
        self.questionnaires: set[str] = set()
        self.cases: set[str] = set()
        self.envelopes = 0
        self.items: set[str] = set()
        self.templates: set[str] = set()

    def admit_meta(self, number: int, entry_type: int, meta: dict[str, Any]) -> None:
        self.entries += 1
        if self.entries > self.limits.max_entries:
            raise BundleError("limit_entries", f"entry {number} is over the limit on entries")
        if entry_type == CASE:
            self._admit_case(number, meta["case_id"])
        if entry_type in (ENVELOPE, REPLY):
            _add_new(self.items, meta["item_id"], f"entry {number} repeats an item_id")
        if entry_type == ENVELOPE:
            self._admit_envelope(number, meta["case_id"])
        if entry_type == QUESTIONNAIRE:
            _add_new(
                self.questionnaires,
                meta["digest"],
                f"entry {number} repeats a questionnaire version",
            )
        if entry_type == TEMPLATE:
            _add_new(self.templates, meta["template_id"], f"entry {number} repeats a template_id")

    def _admit_case(self, number: int, case_id: str) -> None:
        _add_new(self.cases, case_id, f"entry {number} repeats a case")
        if len(self.cases) > self.header["cases"]:
            raise BundleError("declared_totals", "the bundle holds more cases than it declares")

    def _admit_envelope(self, number: int, case_id: str) -> None:
        if case_id not in self.cases:
            raise BundleError(
                "case_announced", f"entry {number} is for a case not announced before it"
            )
        self.envelopes += 1
        if self.envelopes > self.header["envelopes"]:
            raise BundleError("declared_totals", "the bundle holds more envelopes than it declares")

    def admit_data(self, number: int, entry_type: int, meta: dict[str, Any], size: int) -> None:
        if size > MAX_DATA[entry_type]:
            raise BundleError("data_len", f"entry {number}'s data_len is over its bound")
        if entry_type == ENVELOPE and size != meta["size"]:
            raise BundleError("data_len", f"entry {number}'s data_len is not its size")
        self.data += size
        if entry_type == ENVELOPE:
            self.envelope_bytes += size
        if self.data > self.limits.max_data_total:
            raise BundleError("limit_data", f"entry {number} is over the limit on data")
        if self.kind is Kind.EXPORT and self.envelope_bytes > self.header["bytes"]:
            raise BundleError("declared_totals", "the bundle holds more bytes than it declares")

    def check_complete(self) -> None:
        if self.kind is Kind.EXPORT and (
            len(self.cases) != self.header["cases"]
            or self.envelopes != self.header["envelopes"]
            or self.envelope_bytes != self.header["bytes"]
        ):
            raise BundleError(
                "declared_totals", "the bundle's entries do not match its declared totals"
            )


def verify_signature(reader: BundleReader, verify_key: VerifyKey) -> None:
    """Check a fully read reply bundle's signature with the key the caller trusts."""
    if reader.signed_digest is None or reader.signature is None:
        raise BundleError("signature", "the bundle was not read to its end")
    try:
        verify_key.verify(labels.SIG_REPLY_BUNDLE, reader.signed_digest, reader.signature)
    except SignatureError:
        raise BundleError(
            "signature", "the signature does not verify with the unit's key"
        ) from None
