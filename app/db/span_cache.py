"""Busy spans of recent searches, kept in memory while what they were read from is unchanged.

A search reads our appointments' blocked time and the calendar mirror up to the booking horizon;
between changes every search reads the same rows. Each business has a version in Postgres that
every change to them moves on in the same transaction (migration 20261124001200). A kept value
is served only while the business's version is the one it was read at, so a search costs one
tiny query instead of the busy time itself, and any change committed through any instance (or
synced from Google) shows in the very next search. Values are fetched for a day-aligned window
a little wider than asked, so searches during the day share them, and live ``ttl_seconds`` at
most (the mirror's freshness is judged when it is read).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar, cast

T = TypeVar("T")

_DAY = timedelta(days=1)

Version = Callable[[str], Awaitable[int]]  # a business's data version, read now

# Within one read-only tool call, each business's version is read once and shared by the
# lookups of that call (a search looks up our appointments and the mirror at once): the read
# starts after the call arrived, so the call still sees every change committed before it.
# Calls that change things read it afresh each time (their second search must see the race
# they lost).
_THIS_CALL: ContextVar[dict[str, asyncio.Future[int]] | None] = ContextVar(
    "frontdesk_versions", default=None
)


@contextmanager
def one_version_per_call() -> Iterator[None]:
    token = _THIS_CALL.set({})
    try:
        yield
    finally:
        _THIS_CALL.reset(token)


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    version: int
    expires: float
    start: datetime
    end: datetime
    value: T


def widened(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The window fetched for ``[start, end)``: whole UTC days, a day either side."""
    low = start.replace(hour=0, minute=0, second=0, microsecond=0) - _DAY
    high = end.replace(hour=0, minute=0, second=0, microsecond=0) + 2 * _DAY
    return low, high


class SpanCache:
    def __init__(self, version: Version, ttl_seconds: float = 5.0, size: int = 1024) -> None:
        self._version = version
        self._ttl = ttl_seconds
        self._size = size
        self._entries: dict[Hashable, _Entry[object]] = {}
        self.hits = 0
        self.misses = 0

    async def get(
        self,
        key: Hashable,
        start: datetime,
        end: datetime,
        fetch: Callable[[datetime, datetime], Awaitable[T | None]],
        business_id: str,
    ) -> T | None:
        """The value for ``key`` (read from ``business_id``'s rows) covering ``[start, end)``:
        kept, or fetched for a wider window (a None from ``fetch`` is not kept)."""
        version = await self._current(business_id)
        entry = self._entries.get(key)
        if (
            entry is not None
            and entry.version == version
            and entry.expires > time.monotonic()
            and entry.start <= start
            and end <= entry.end
        ):
            self.hits += 1
            return cast(T, entry.value)
        self.misses += 1
        low, high = widened(start, end)
        value = await fetch(low, high)
        if value is not None:
            # Kept under the version read before it: a change committed meanwhile moved the
            # version on, so the next search reads again.
            if len(self._entries) >= self._size:
                self._entries.clear()
            self._entries[key] = _Entry(version, time.monotonic() + self._ttl, low, high, value)
        return value

    async def _current(self, business_id: str) -> int:
        read = _THIS_CALL.get()
        if read is None:
            return await self._version(business_id)
        pending = read.get(business_id)
        if pending is None:
            pending = asyncio.ensure_future(self._version(business_id))
            read[business_id] = pending
        return await asyncio.shield(pending)
