"""The small interfaces of the state that has no older home, and their single-process versions.

- :class:`PiecesInFlight`: one piece of an upload session received at a
  time (web/api/uploads.py); :class:`LoopPiecesInFlight` keeps the set per
  event loop, as before;
- :class:`PasswordChanges`: accounts that must change their password
  (web/console/auth.py); a plain ``set[int]`` is the single-process one.
"""

from __future__ import annotations

from typing import Protocol

from anyio.lowlevel import RunVar


class PiecesInFlight(Protocol):
    def claim(self, token: str) -> bool:
        """Mark a piece of upload ``token`` as being received; False if one already is."""
        ...

    def release(self, token: str) -> None: ...


class PasswordChanges(Protocol):
    def add(self, user_id: int, /) -> None: ...

    def discard(self, user_id: int, /) -> None: ...

    def __contains__(self, user_id: object, /) -> bool: ...


# Upload sessions with a piece being received (per event loop): one at a time.
_IN_FLIGHT: RunVar[set[str]] = RunVar("upload_pieces_in_flight")


class LoopPiecesInFlight:
    """:class:`PiecesInFlight` for one process: a set per event loop."""

    @staticmethod
    def _tokens() -> set[str]:
        try:
            return _IN_FLIGHT.get()
        except LookupError:
            tokens: set[str] = set()
            _IN_FLIGHT.set(tokens)
            return tokens

    def claim(self, token: str) -> bool:
        tokens = self._tokens()
        if token in tokens:
            return False
        tokens.add(token)
        return True

    def release(self, token: str) -> None:
        self._tokens().discard(token)
