"""Busy time kept in memory while the business's data version is unchanged
(app/db/span_cache.py), and the version every change moves on (migration 20261124001200)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from app.db.span_cache import SpanCache, widened
from app.db.versions import one_version_per_call

NOW = datetime(2027, 3, 10, 15, tzinfo=UTC)
LATER = NOW + timedelta(days=60)


class Versions:
    def __init__(self) -> None:
        self.now: dict[str, int] = {}
        self.reads = 0

    async def __call__(self, business_id: str) -> int:
        self.reads += 1
        return self.now.get(business_id, 0)


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
    assert await cache.get("k", NOW, LATER, source, "biz") == "spans v1"
    source.value = "spans v2"
    assert await cache.get("k", NOW + timedelta(minutes=5), LATER, source, "biz") == "spans v1"
    assert len(source.fetches) == 1 and versions.reads == 2  # one tiny read per search
    versions.now["other"] = 7  # another business changed: still fresh
    assert await cache.get("k", NOW, LATER, source, "biz") == "spans v1"
    versions.now["biz"] = 1  # this one changed
    assert await cache.get("k", NOW, LATER, source, "biz") == "spans v2"
    assert len(source.fetches) == 2


async def test_the_fetched_window_is_whole_days_and_a_wider_ask_fetches_again() -> None:
    source = Source()
    cache = SpanCache(Versions())
    await cache.get("k", NOW, LATER, source, "biz")
    assert source.fetches == [widened(NOW, LATER)]
    low, high = source.fetches[0]
    assert (low.hour, high.hour) == (0, 0) and low < NOW and high > LATER
    await cache.get("k", NOW, high + timedelta(days=1), source, "biz")
    assert len(source.fetches) == 2


async def test_a_value_read_while_something_changed_is_read_again_next_time() -> None:
    versions = Versions()
    cache = SpanCache(versions)
    reads = 0

    async def racing(low: datetime, high: datetime) -> str:
        nonlocal reads
        reads += 1
        versions.now["biz"] = versions.now.get("biz", 0) + 1  # a booking commits meanwhile
        return "maybe stale"

    await cache.get("k", NOW, LATER, racing, "biz")
    await cache.get("k", NOW, LATER, racing, "biz")
    assert reads == 2


async def test_an_unfresh_answer_is_not_kept() -> None:
    source = Source()
    source.value = None  # the mirror says: not fresh, ask Google
    cache = SpanCache(Versions())
    assert await cache.get("k", NOW, LATER, source, "biz") is None
    assert await cache.get("k", NOW, LATER, source, "biz") is None
    assert len(source.fetches) == 2


async def test_every_change_to_appointments_or_the_mirror_moves_the_version_on(
    clean_pool: asyncpg.Pool,
) -> None:
    async def version() -> int:
        found: int = await clean_pool.fetchval("select fd_data_version('v-biz')")
        return found

    before = await version()
    await clean_pool.execute(
        "insert into calendar_mirror (business_id, calendar_id, event_id, starts_at, ends_at)"
        " values ('v-biz', 'c', 'e1', now(), now() + interval '1 hour')"
    )
    after_insert = await version()
    await clean_pool.execute("delete from calendar_mirror where business_id = 'v-biz'")
    assert before < after_insert < await version()
    assert await clean_pool.fetchval("select fd_data_version('nobody')") == 0


async def test_within_one_read_only_call_the_version_is_read_once() -> None:
    versions, source = Versions(), Source()
    cache = SpanCache(versions)
    with one_version_per_call():
        await asyncio.gather(
            cache.get("occupancy", NOW, LATER, source, "biz"),
            cache.get("mirror", NOW, LATER, source, "biz"),
        )
    assert versions.reads == 1
    await cache.get("occupancy", NOW, LATER, source, "biz")  # the next call reads it again
    assert versions.reads == 2


async def test_a_change_before_the_next_call_is_seen_by_it() -> None:
    versions, source = Versions(), Source()
    cache = SpanCache(versions)
    with one_version_per_call():
        assert await cache.get("k", NOW, LATER, source, "biz") == "spans v1"
    versions.now["biz"] = 1
    source.value = "spans v2"
    with one_version_per_call():
        assert await cache.get("k", NOW, LATER, source, "biz") == "spans v2"
