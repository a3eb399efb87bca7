"""Busy spans of recent searches, kept in memory while what they were read from is unchanged.

A search reads our appointments' blocked time and the calendar mirror up to the booking horizon;
between changes every search reads the same rows. Each business has a version in Postgres for
each of the two that every change to it moves on in the same transaction (migrations
20261124001200, 20261126000100). A kept value is served only while the version of the part it
was read from is the one it was read at, so a search costs one tiny query instead of the busy
time itself, any change committed through any instance (or synced from Google) shows in the
very next search, and a booking does not throw away the mirror's busy time. Values are fetched
for a day-aligned window a little wider than asked, so searches during the day share them, and
live ``ttl_seconds`` at most (a kept copy of the mirror is never older than the mirror's own
freshness allows: app/db/calendar_mirror.py asks for that much more freshness when it reads
for keeping). A value whose rows say what changed since a version (our appointments:
app/db/kept_occupancy.py) is brought up to date by reading only those changes; it still lives
no longer than its full read allows.

A value served in the last third of its life is read again in the background (one read per
key at a time), stamped with the version read before that read, like any other: a business
that keeps being searched never has a search wait for its busy time to expire and be read.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Literal, TypeVar, cast

import structlog

from app.db.versions import Version, current, read_kept, read_unversioned

T = TypeVar("T")
# A kept value (read at a version) brought up to date: the value now and the version it stands
# at, or None when it must be read again in full.
CatchUp = Callable[[T, int, datetime, datetime], Awaitable[tuple[T, int] | None]]
Part = Literal["appointments", "mirror"]  # which of a business's data a kept value is read from

log = structlog.get_logger("frontdesk.span_cache")

_DAY = timedelta(days=1)
TTL_SECONDS = 30.0  # what is kept lives this long at most, whatever the version says
REFRESH_WITHIN = 1 / 3  # a value served in this last share of its life is read again ahead


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
    def __init__(
        self,
        version: Version,
        ttl_seconds: float = TTL_SECONDS,
        size: int = 1024,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._version = version
        self.ttl_seconds = ttl_seconds
        self._size = size
        self._clock = clock
        self._entries: dict[Hashable, _Entry[object]] = {}
        self._refreshing: dict[Hashable, asyncio.Task[None]] = {}
        self.hits = 0
        self.misses = 0
        self.caught_up = 0
        self.refreshed = 0

    @property
    def version(self) -> Version:
        """How it reads a business's data version (kept answers read it the same way)."""
        return self._version

    async def get(
        self,
        key: Hashable,
        start: datetime,
        end: datetime,
        fetch: Callable[[datetime, datetime], Awaitable[T | None]],
        business_id: str,
        *,
        part: Part,
        catch_up: CatchUp[T] | None = None,
    ) -> T | None:
        """The value for ``key`` (read from ``business_id``'s rows of ``part``) covering
        ``[start, end)``: kept, brought up to date by ``catch_up`` when the version moved on,
        or fetched for a wider window (a None from ``fetch`` is not kept)."""
        version = getattr(await current(self._version, business_id), part)
        entry = cast(_Entry[T] | None, self._entries.get(key))
        now = self._clock()
        if entry is not None and entry.expires > now and entry.start <= start and end <= entry.end:
            if entry.version == version:
                self.hits += 1
                if entry.expires - now < self.ttl_seconds * REFRESH_WITHIN:
                    self._refresh_ahead(key, entry, version, fetch)
                read_kept(entry.expires)
                return entry.value
            if catch_up is not None and entry.version < version:
                caught = await catch_up(entry.value, entry.version, entry.start, entry.end)
                if caught is not None:
                    self.caught_up += 1
                    # Every change up to the version read is in (versions commit in order).
                    value, at = caught[0], max(caught[1], version)
                    newest = self._entries.get(key)
                    if newest is None or newest.version < at:
                        self._entries[key] = _Entry(
                            at, entry.expires, entry.start, entry.end, value
                        )
                    read_kept(entry.expires)
                    return value
        self.misses += 1
        low, high = widened(start, end)
        fetched = await fetch(low, high)
        if fetched is None:
            read_unversioned()  # the caller reads elsewhere (Google itself)
        else:
            # Kept under the version read before it: a change committed meanwhile moved the
            # version on, so the next search reads again.
            expires = self._keep(key, version, low, high, fetched)
            read_kept(expires)
        return fetched

    def _keep(self, key: Hashable, version: int, low: datetime, high: datetime, value: T) -> float:
        """Keep ``value`` (read at ``version``) for ``key``; when it expires."""
        if len(self._entries) >= self._size:
            self._entries.clear()
        expires = self._clock() + self.ttl_seconds
        self._entries[key] = _Entry(version, expires, low, high, value)
        return expires

    def _refresh_ahead(
        self,
        key: Hashable,
        entry: _Entry[T],
        version: int,
        fetch: Callable[[datetime, datetime], Awaitable[T | None]],
    ) -> None:
        """Read ``entry``'s window again in the background, at most once at a time per key."""
        if key in self._refreshing:
            return

        async def refresh() -> None:
            try:
                fetched = await fetch(entry.start, entry.end)
            except Exception as error:  # the first search after it expires reads it itself
                log.warning("span_cache.refresh_failed", error=type(error).__name__)
                return
            finally:
                del self._refreshing[key]
            newest = self._entries.get(key)
            if fetched is not None and (newest is None or newest.version <= version):
                self._keep(key, version, entry.start, entry.end, fetched)
                self.refreshed += 1

        # In a context of its own: nothing of the search that started it (its version, what its
        # answer read) is the read's business.
        self._refreshing[key] = asyncio.get_running_loop().create_task(
            refresh(), context=contextvars.Context()
        )

    async def aclose(self) -> None:
        """Stop the reads under way (at shutdown)."""
        tasks = list(self._refreshing.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
