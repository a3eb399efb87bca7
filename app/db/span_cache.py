"""Busy spans of recent searches, kept in memory while Postgres says nothing changed.

A search reads our appointments' blocked time and the calendar mirror up to the booking horizon;
between changes every search reads the same rows. Entries are fetched for a day-aligned window a
little wider than asked, so searches during the day share them, and are trusted only while the
change feed is live and has announced nothing since (app/db/change_feed.py), and for at most
``ttl_seconds`` (the mirror's freshness is judged at fetch time).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar, cast

from app.db.change_feed import ChangeFeed

T = TypeVar("T")

_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    generation: tuple[int, int]
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
    def __init__(self, feed: ChangeFeed, ttl_seconds: float = 5.0, size: int = 1024) -> None:
        self._feed = feed
        self._ttl = ttl_seconds
        self._size = size
        self._entries: dict[Hashable, _Entry[object]] = {}
        self.hits = 0
        self.misses = 0

    def changed(self, business_id: str | None = None) -> None:
        """This instance changed something (of ``business_id``, or of anyone): what it holds
        of it is stale at once."""
        self._feed.changed(business_id)

    async def get(
        self,
        key: Hashable,
        start: datetime,
        end: datetime,
        fetch: Callable[[datetime, datetime], Awaitable[T | None]],
        business_id: str | None = None,
    ) -> T | None:
        """The value for ``key`` covering ``[start, end)``: kept, or fetched for a wider
        window (a None from ``fetch`` is not kept). A value read from ``business_id``'s rows
        only goes stale when that business (or everything) changes."""
        feed = self._feed
        entry = self._entries.get(key)
        if (
            entry is not None
            and feed.live
            and entry.generation == feed.generation_of(business_id)
            and entry.expires > time.monotonic()
            and entry.start <= start
            and end <= entry.end
        ):
            self.hits += 1
            return cast(T, entry.value)
        self.misses += 1
        generation = feed.generation_of(business_id)
        low, high = widened(start, end)
        value = await fetch(low, high)
        if value is not None and feed.live and generation == feed.generation_of(business_id):
            if len(self._entries) >= self._size:
                self._entries.clear()
            self._entries[key] = _Entry(generation, time.monotonic() + self._ttl, low, high, value)
        return value
