"""Answers to searches, kept in memory while the business's data is unchanged: the
:class:`agent_tools.ports.Memo` of a business whose every input a version covers (our
appointments in Postgres, and Google through the mirror or a local calendar file by its change
count).

A kept answer is served only while the business's data versions (both: our appointments' and the
mirror's, app/db/versions.py) are the ones read before it was computed, so a change committed
through any instance, or synced from Google, shows in the very next search. The version is read
once per tool call, shared with the busy-time cache (app/db/span_cache.py), and one round trip
serves concurrent calls (app/db/versions.py). An answer that read anything no version covers
(Google itself, while the mirror is stale) is not kept. Concurrent misses of one question wait
for the first. Keys name everything else the answer depends on (the question and the day), and a
caller's ``holds`` what the key cannot (a search's answer holds while its earliest time is not
too soon: agent_tools/find_slots.py); an answer lives ``ttl_seconds`` at most, and no longer
than the kept busy time it was computed from.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from app import metrics
from app.db.span_cache import TTL_SECONDS
from app.db.versions import DataVersion, Version, current, read_kept, watching

T = TypeVar("T")

_HITS = metrics.KEPT_ANSWERS.labels("hit")
_MISSES = metrics.KEPT_ANSWERS.labels("miss")
_FIRST_SWEEP = 64
_OWN = object()  # an answer that is not to be shared: each waiter computes its own


Stamp = tuple[DataVersion, int]  # the business's data versions, and its local calendar's


@dataclass(frozen=True, slots=True)
class _Kept:
    version: Stamp
    expires: float
    answer: Any


class KeptAnswers:
    def __init__(
        self,
        version: Version,
        business_id: str,
        ttl_seconds: float = TTL_SECONDS,
        size: int = 4096,
        *,
        local: Callable[[], int] | None = None,
    ) -> None:
        self._version = version
        self._business = business_id
        self._local = local  # a local calendar file's change count, read in-process
        self._ttl = ttl_seconds
        self._size = size
        self._kept: dict[Hashable, _Kept] = {}
        self._sweep_at = _FIRST_SWEEP  # how many entries trigger dropping the expired ones
        # Searches being answered: who asks the same meanwhile waits for that answer, so an
        # expired answer is computed once, not by every concurrent caller at once.
        self._flights: dict[tuple[Hashable, Stamp], asyncio.Future[Any]] = {}
        self.hits = 0
        self.misses = 0

    async def recall(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        holds: Callable[[T], bool] | None = None,
    ) -> T:
        version = (
            await current(self._version, self._business),
            self._local() if self._local is not None else 0,
        )
        kept = self._kept.get(key)
        if (
            kept is not None
            and kept.version == version
            and kept.expires > time.monotonic()
            and (holds is None or holds(kept.answer))
        ):
            return cast(T, self._hit(kept))
        flight = self._flights.get((key, version))
        if flight is not None:  # the same question at the same version, being answered now
            shared = await asyncio.shield(flight)
            if shared is not _OWN and (holds is None or holds(shared.answer)):
                return cast(T, self._hit(shared))
        self.misses += 1
        _MISSES.inc()
        return await self._answer(key, version, compute)

    def last(self, key: Hashable) -> object | None:
        kept = self._kept.get(key)
        return None if kept is None else kept.answer

    def __len__(self) -> int:
        """How many answers are held (expired ones included until the next sweep)."""
        return len(self._kept)

    def _keep(self, key: Hashable, kept: _Kept) -> _Kept:
        """Keep ``kept``; expired answers are dropped whenever the count has doubled since
        the last sweep. Keys name the day, so without it every day's answers would stay
        until ``size`` of them filled the memory of each business."""
        if len(self._kept) >= min(self._sweep_at, self._size):
            now = time.monotonic()
            self._kept = {k: v for k, v in self._kept.items() if v.expires > now}
            if len(self._kept) >= self._size:
                self._kept.clear()
            self._sweep_at = max(_FIRST_SWEEP, 2 * len(self._kept))
        self._kept[key] = kept
        return kept

    def _hit(self, kept: _Kept) -> Any:
        """A kept answer; what the caller computes from it expires no later than it does (a
        search keeps its busy time here, and its answer too)."""
        self.hits += 1
        _HITS.inc()
        read_kept(kept.expires)
        return kept.answer

    async def _answer(
        self, key: Hashable, version: Stamp, compute: Callable[[], Awaitable[T]]
    ) -> T:
        flight: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._flights[(key, version)] = flight
        shared: Any = _OWN  # what those who asked meanwhile get: _OWN, compute your own
        try:
            with watching() as seen:
                answer = await compute()
            if not seen.unversioned:
                # Under the version read before computing: a change committed meanwhile moved
                # the version on, so the next search computes again.
                # No longer than what it was computed from is kept (the mirror's freshness).
                expires = min(time.monotonic() + self._ttl, seen.expires)
                shared = self._keep(key, _Kept(version, expires, answer))
            return answer
        finally:
            del self._flights[(key, version)]
            flight.set_result(shared)
