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
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Literal, TypeVar, cast

from app.db.versions import Version, current, read_kept, read_unversioned

T = TypeVar("T")
# A kept value (read at a version) brought up to date: the value now and the version it stands
# at, or None when it must be read again in full.
CatchUp = Callable[[T, int, datetime, datetime], Awaitable[tuple[T, int] | None]]
Part = Literal["appointments", "mirror"]  # which of a business's data a kept value is read from

_DAY = timedelta(days=1)
TTL_SECONDS = 30.0  # what is kept lives this long at most, whatever the version says


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
        self, version: Version, ttl_seconds: float = TTL_SECONDS, size: int = 1024
    ) -> None:
        self._version = version
        self.ttl_seconds = ttl_seconds
        self._size = size
        self._entries: dict[Hashable, _Entry[object]] = {}
        self.hits = 0
        self.misses = 0
        self.caught_up = 0

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
        if (
            entry is not None
            and entry.expires > time.monotonic()
            and entry.start <= start
            and end <= entry.end
        ):
            if entry.version == version:
                self.hits += 1
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
            if len(self._entries) >= self._size:
                self._entries.clear()
            expires = time.monotonic() + self.ttl_seconds
            self._entries[key] = _Entry(version, expires, low, high, fetched)
            read_kept(expires)
        return fetched
