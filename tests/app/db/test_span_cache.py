"""Busy time kept in memory while the version of the business's data it was read from is
unchanged (app/db/span_cache.py), and the versions every change moves on (migrations
20261124001200, 20261126000100)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from app.db.span_cache import SpanCache, widened
from app.db.versions import DataVersion, one_version_per_call

NOW = datetime(2027, 3, 10, 15, tzinfo=UTC)
LATER = NOW + timedelta(days=60)


class Versions:
    def __init__(self) -> None:
        self.now: dict[str, DataVersion] = {}
        self.reads = 0

    async def __call__(self, business_id: str) -> DataVersion:
        self.reads += 1
        return self.now.get(business_id, DataVersion())

    def booked(self, business_id: str) -> None:
        """An appointment was made: our appointments' version moves on."""
        now = self.now.get(business_id, DataVersion())
        self.now[business_id] = now._replace(appointments=now.appointments + 1)

    def synced(self, business_id: str) -> None:
        """Google had a change: the mirror's version moves on."""
        now = self.now.get(business_id, DataVersion())
        self.now[business_id] = now._replace(mirror=now.mirror + 1)


class Source:
    def __init__(self) -> None:
        self.fetches: list[tuple[datetime, datetime]] = []
        self.value: str | None = "spans v1"

    async def __call__(self, low: datetime, high: datetime) -> str | None:
        self.fetches.append((low, high))
        return self.value


async def test_a_kept_value_is_served_until_its_business_changes() -> None:
    versions, source = Versions(), Source()
    cache = SpanCache(versions)
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v1"
    source.value = "spans v2"
    assert (
        await cache.get("k", NOW + timedelta(minutes=5), LATER, source, "biz", part="appointments")
        == "spans v1"
    )
    assert len(source.fetches) == 1 and versions.reads == 2  # one tiny read per search
    versions.booked("other")  # another business changed: still fresh
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v1"
    versions.booked("biz")  # this one changed
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v2"
    assert len(source.fetches) == 2


async def test_the_mirrors_busy_time_outlives_a_booking_and_not_a_synced_change() -> None:
    versions, mirror, ours = Versions(), Source(), Source()
    cache = SpanCache(versions)
    await cache.get("mirror", NOW, LATER, mirror, "biz", part="mirror")
    await cache.get("ours", NOW, LATER, ours, "biz", part="appointments")
    versions.booked("biz")
    await cache.get("mirror", NOW, LATER, mirror, "biz", part="mirror")
    await cache.get("ours", NOW, LATER, ours, "biz", part="appointments")
    assert (len(mirror.fetches), len(ours.fetches)) == (1, 2)
    versions.synced("biz")
    await cache.get("mirror", NOW, LATER, mirror, "biz", part="mirror")
    await cache.get("ours", NOW, LATER, ours, "biz", part="appointments")
    assert (len(mirror.fetches), len(ours.fetches)) == (2, 2)


async def test_the_fetched_window_is_whole_days_and_a_wider_ask_fetches_again() -> None:
    source = Source()
    cache = SpanCache(Versions())
    await cache.get("k", NOW, LATER, source, "biz", part="appointments")
    assert source.fetches == [widened(NOW, LATER)]
    low, high = source.fetches[0]
    assert (low.hour, high.hour) == (0, 0) and low < NOW and high > LATER
    await cache.get("k", NOW, high + timedelta(days=1), source, "biz", part="appointments")
    assert len(source.fetches) == 2


async def test_a_value_read_while_something_changed_is_read_again_next_time() -> None:
    versions = Versions()
    cache = SpanCache(versions)
    reads = 0

    async def racing(low: datetime, high: datetime) -> str:
        nonlocal reads
        reads += 1
        versions.booked("biz")  # a booking commits meanwhile
        return "maybe stale"

    await cache.get("k", NOW, LATER, racing, "biz", part="appointments")
    await cache.get("k", NOW, LATER, racing, "biz", part="appointments")
    assert reads == 2


async def test_an_unfresh_answer_is_not_kept() -> None:
    source = Source()
    source.value = None  # the mirror says: not fresh, ask Google
    cache = SpanCache(Versions())
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") is None
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") is None
    assert len(source.fetches) == 2


async def test_every_change_to_the_mirror_moves_its_version_on(clean_pool: asyncpg.Pool) -> None:
    async def version() -> int:
        found: int = await clean_pool.fetchval(
            "select mirror_version from fd_data_versions(array['v-biz'])"
        )
        return found

    before = await version()
    await clean_pool.execute(
        "insert into calendar_mirror (business_id, calendar_id, event_id, starts_at, ends_at)"
        " values ('v-biz', 'c', 'e1', now(), now() + interval '1 hour')"
    )
    after_insert = await version()
    await clean_pool.execute("delete from calendar_mirror where business_id = 'v-biz'")
    assert before < after_insert < await version()
    nobody = await clean_pool.fetchrow("select * from fd_data_versions(array['nobody'])")
    assert tuple(nobody) == ("nobody", 0, 0)


async def test_within_one_read_only_call_the_version_is_read_once() -> None:
    versions, source = Versions(), Source()
    cache = SpanCache(versions)
    with one_version_per_call():
        await asyncio.gather(
            cache.get("occupancy", NOW, LATER, source, "biz", part="appointments"),
            cache.get("mirror", NOW, LATER, source, "biz", part="mirror"),
        )
    assert versions.reads == 1
    # the next call reads it again
    await cache.get("occupancy", NOW, LATER, source, "biz", part="appointments")
    assert versions.reads == 2


async def test_a_change_before_the_next_call_is_seen_by_it() -> None:
    versions, source = Versions(), Source()
    cache = SpanCache(versions)
    with one_version_per_call():
        assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v1"
    versions.booked("biz")
    source.value = "spans v2"
    with one_version_per_call():
        assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v2"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _settled(cache: SpanCache) -> None:
    """Let the background reads under way finish."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_value_served_late_in_its_life_is_read_again_behind_the_search() -> None:
    versions, source, clock = Versions(), Source(), Clock()
    cache = SpanCache(versions, ttl_seconds=30, clock=clock)
    await cache.get("k", NOW, LATER, source, "biz", part="appointments")
    clock.now += 15  # half its life: served, nothing read
    source.value = "spans v2"
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v1"
    await _settled(cache)
    assert len(source.fetches) == 1
    clock.now += 10  # its last third: still served, and read again meanwhile
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v1"
    await _settled(cache)
    assert source.fetches == [widened(NOW, LATER)] * 2 and cache.refreshed == 1
    clock.now += 20  # past the first read's life: the second is served, nothing more read
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "spans v2"
    assert len(source.fetches) == 2 and cache.misses == 1


async def test_one_read_ahead_at_a_time_however_many_searches_ask() -> None:
    versions, clock = Versions(), Clock()
    cache = SpanCache(versions, ttl_seconds=30, clock=clock)
    release = asyncio.Event()
    reads = 0

    async def slow(low: datetime, high: datetime) -> str:
        nonlocal reads
        reads += 1
        if reads > 1:
            await release.wait()
        return f"read {reads}"

    await cache.get("k", NOW, LATER, slow, "biz", part="appointments")
    clock.now += 25
    for _ in range(5):
        assert await cache.get("k", NOW, LATER, slow, "biz", part="appointments") == "read 1"
        await asyncio.sleep(0)
    release.set()
    await _settled(cache)
    assert reads == 2
    assert await cache.get("k", NOW, LATER, slow, "biz", part="appointments") == "read 2"


async def test_a_read_ahead_never_replaces_what_a_later_change_brought() -> None:
    versions, clock = Versions(), Clock()
    cache = SpanCache(versions, ttl_seconds=30, clock=clock)
    stalled = asyncio.Event()
    reads: list[str] = []

    async def source(low: datetime, high: datetime) -> str:
        value = "after the booking" if versions.now.get("biz") else "before the booking"
        reads.append(value)
        if len(reads) == 2:  # the read ahead: it finishes last
            await stalled.wait()
        return value

    await cache.get("k", NOW, LATER, source, "biz", part="appointments")
    clock.now += 25
    await cache.get("k", NOW, LATER, source, "biz", part="appointments")  # starts it
    await asyncio.sleep(0)
    versions.booked("biz")  # a booking commits; the next search reads it
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == (
        "after the booking"
    )
    stalled.set()
    await _settled(cache)
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == (
        "after the booking"
    )
    assert reads == ["before the booking", "before the booking", "after the booking"]
    assert cache.refreshed == 0


async def test_a_failed_read_ahead_leaves_the_kept_value_until_it_expires() -> None:
    versions, clock = Versions(), Clock()
    cache = SpanCache(versions, ttl_seconds=30, clock=clock)
    failing = False
    reads = 0

    async def source(low: datetime, high: datetime) -> str:
        nonlocal reads
        reads += 1
        if failing:
            raise OSError("connection reset")
        return f"read {reads}"

    await cache.get("k", NOW, LATER, source, "biz", part="appointments")
    clock.now += 25
    failing = True
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "read 1"
    await _settled(cache)
    assert reads == 2 and cache.refreshed == 0
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "read 1"
    await _settled(cache)
    failing = False
    clock.now += 10  # expired: the search reads it itself
    assert await cache.get("k", NOW, LATER, source, "biz", part="appointments") == "read 4"
