"""Exactly-once replies for retried tool calls (see docs/booking.md).

A key names one request. The first arrival runs it; a repeat that arrives later gets the first
reply again (status and body) for 24 hours; a repeat that arrives while the first still runs
waits for it (bounded) and then replays it, or hears 409 "still working". The in-flight claim
is a short lease its holder renews while it works: a holder that died frees it in seconds. The
same key with other arguments is refused with 422. Only final outcomes are kept: a "try again" reply
(calendar down, store down), one true only at that moment (slot taken, too soon) and a
failure release the key so the retry runs for real.

Two tiers: a fast one (Redis, or an in-process equivalent on the embedded defaults) that also
coordinates in-flight duplicates, and the database's ``idempotency_records`` that outlive Redis
restarts and evictions. Redis failing degrades to the database tier; the booking intent and the
overlap constraint in Postgres remain the final guard against duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Started:
    """This request owns the key: run it, then finish or abandon."""


@dataclass(frozen=True, slots=True)
class Replay:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The key was used for a different request."""


@dataclass(frozen=True, slots=True)
class StillRunning:
    """The first request with this key did not finish within the wait."""


Outcome = Started | Replay | Mismatch | StillRunning


class FastTier(Protocol):
    async def begin(self, key: str, fingerprint: str, wait_seconds: float) -> Outcome: ...

    async def finish(
        self, key: str, fingerprint: str, status: int, body: dict[str, Any]
    ) -> None: ...

    async def abandon(self, key: str) -> None: ...

    async def renew(self, key: str, fingerprint: str) -> None:
        """Extend the in-flight lease of ``key`` if it is still this request's, unfinished."""
        ...

    async def ping(self) -> None: ...

    async def aclose(self) -> None: ...


class DurableTier(Protocol):
    async def lookup(self, key: str) -> tuple[str, int, dict[str, Any]] | None:
        """(fingerprint, status, body) of the kept reply, if any."""
        ...

    async def keep(self, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None: ...
