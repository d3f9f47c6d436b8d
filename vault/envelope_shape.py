"""Is a ciphertext plausibly an envelope v1? Checked without any key.

The server cannot open envelopes, but it can refuse what is certainly not
one: a wrong magic, a recipient count outside 1..8, or a size that no padded
message could produce (docs/spec/envelope-v1.md). This keeps plaintext,
file names and other stray data from being stored by mistake or on purpose
in the one place that accepts opaque bytes, and makes a size that leaks a
plaintext length impossible.
"""

from __future__ import annotations

from crypto import envelope, stream
from crypto.padding import MIN_PADDED, padded_size
from vault.errors import BadInput, LimitExceeded

PREFIX_SIZE = len(envelope.MAGIC) + envelope.NONCE_SIZE + 1
MIN_ENVELOPE = envelope.header_size(1) + envelope.MAC_SIZE + MIN_PADDED + stream.TAG_SIZE


def body_is_plausible(body: int) -> bool:
    """Whether ``body`` bytes can be the STREAM body of a padded message."""
    chunk = envelope.CHUNK_SIZE
    chunks = max(1, -(-body // (chunk + stream.TAG_SIZE)))
    padded = body - stream.TAG_SIZE * chunks
    return (
        padded >= MIN_PADDED
        and padded_size(padded) == padded
        and stream.body_size(padded, chunk) == body
    )


def _refused(field: str) -> BadInput:
    return BadInput("This is not a Peluit envelope.", field=field)


def check_envelope_prefix(prefix: bytes, field: str) -> int:
    """Check the magic and recipient count; return the recipient count."""
    if len(prefix) < PREFIX_SIZE or prefix[: len(envelope.MAGIC)] != envelope.MAGIC:
        raise _refused(field)
    n = prefix[PREFIX_SIZE - 1]
    if not 1 <= n <= envelope.MAX_RECIPIENTS:
        raise _refused(field)
    return n


def check_envelope(prefix: bytes, size: int, max_size: int, field: str) -> None:
    """Raise unless ``prefix`` (the first bytes) and ``size`` fit an envelope v1."""
    if size > max_size:
        raise LimitExceeded(limit_name=field, limit=max_size)
    if size < MIN_ENVELOPE:
        raise _refused(field)
    n = check_envelope_prefix(prefix, field)
    if not body_is_plausible(size - envelope.header_size(n) - envelope.MAC_SIZE):
        raise _refused(field)
