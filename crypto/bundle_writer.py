"""Writing a bundle as a stream (docs/spec/bundles-v1.md, "Framing").

The writer hashes every byte as it goes, so the trailer's SHA-256 and the
reply bundle's signature need no second pass, and entry data is copied
from a file object in bounded blocks: a bundle of many GiB needs little
memory. It checks only what the framing itself needs (sizes of the JSON
parts, data of the announced length); producers build valid documents.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, BinaryIO, Final

from crypto import labels
from crypto.bundle_schema import TRAILER, Kind
from crypto.signing import SigningKey

MAGICS: Final = {Kind.EXPORT: b"PELUITX\x01", Kind.REPLY: b"PELUITR\x01"}
MAX_JSON: Final = 65536
COPY_BLOCK: Final = 1 << 16


def encode_json(document: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, keys in the order given."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


class BundleWriter:
    """Writes magic and header at once, then :meth:`add` per entry, then :meth:`finish`."""

    def __init__(self, out: BinaryIO, kind: Kind, header: Mapping[str, Any]) -> None:
        self._out = out
        self._kind = kind
        self._hash = hashlib.sha256()
        self._entries = 0
        self._finished = False
        body = encode_json(header)
        if len(body) > MAX_JSON:
            raise ValueError("a bundle header is at most 64 KiB")
        self._write(MAGICS[kind] + u32(len(body)) + body)

    def _write(self, data: bytes | memoryview) -> None:
        self._hash.update(data)
        view = memoryview(data)
        while view:
            written = self._out.write(view)
            if written is None or written <= 0:
                raise OSError("the bundle output accepted no bytes")
            view = view[written:]

    def add(
        self,
        entry_type: int,
        meta: Mapping[str, Any],
        data: bytes | BinaryIO = b"",
        size: int | None = None,
    ) -> None:
        """Append one entry. ``data`` is bytes, or a file object read for exactly ``size`` bytes."""
        if self._finished:
            raise ValueError("the bundle is finished")
        if not 0 <= entry_type < TRAILER:
            raise ValueError("an entry type is 0x00 to 0xFE")
        body = encode_json(meta)
        if len(body) > MAX_JSON:
            raise ValueError("an entry's meta is at most 64 KiB")
        if isinstance(data, bytes):
            size = len(data)
        elif size is None or size < 0:
            raise ValueError("streamed entry data needs its size")
        self._write(bytes([entry_type]) + u32(len(body)) + body + u64(size))
        if isinstance(data, bytes):
            self._write(data)
        else:
            self._copy(data, size)
        self._entries += 1

    def _copy(self, src: BinaryIO, size: int) -> None:
        buffer = bytearray(min(COPY_BLOCK, max(size, 1)))
        view = memoryview(buffer)
        left = size
        while left:
            count = src.readinto(view[: min(left, len(view))])  # type: ignore[attr-defined]
            if not count:
                raise ValueError("the entry's data ended before its size")
            self._write(view[:count])
            left -= count

    def finish(self, signing_key: SigningKey | None = None) -> bytes:
        """Write the trailer (and, for a reply bundle, the signature); return the signed digest.

        The digest is the SHA-256 of every byte before the signature.

        A reply bundle needs ``signing_key``; an export bundle must not have one
        (the online server holds no signing key).
        """
        if self._finished:
            raise ValueError("the bundle is finished")
        if (signing_key is None) != (self._kind is Kind.EXPORT):
            raise ValueError("a reply bundle is signed, an export bundle is not")
        trailer = encode_json({"entries": self._entries, "sha256": self._hash.hexdigest()})
        self._write(bytes([TRAILER]) + u32(len(trailer)) + trailer + u64(0))
        digest = self._hash.digest()
        if signing_key is not None:
            self._write(signing_key.sign(labels.SIG_REPLY_BUNDLE, digest))
        self._finished = True
        return digest
