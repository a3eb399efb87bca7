"""Busy time kept in memory between changes (app/db/span_cache.py), and Postgres telling every
instance when it changed (app/db/change_feed.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from app.db.change_feed import ChangeFeed
from app.db.span_cache import SpanCache, widened

NOW = datetime(2027, 3, 10, 15, tzinfo=UTC)
LATER = NOW + timedelta(days=60)


class Feed(ChangeFeed):
    """A feed without a connection: live or not as the test says."""

    def __init__(self, live: bool = True) -> None:
        super().__init__("postgresql://unused")
        self.live = live


class Source:
    def __init__(self) -> None:
        self.fetches: list[tuple[datetime, datetime]] = []
        self.value = "spans v1"

    async def __call__(self, low: datetime, high: datetime) -> str | None:
        self.fetches.append((low, high))
        return self.value


async def test_a_kept_value_is_served_until_something_changes() -> None:
    feed, source = Feed(), Source()
    cache = SpanCache(feed)
    assert await cache.get("k", NOW, LATER, source) == "spans v1"
    source.value = "spans v2"
    assert await cache.get("k", NOW + timedelta(minutes=5), LATER, source) == "spans v1"
    assert len(source.fetches) == 1
    feed.changed()  # Postgres announced a change
    assert await cache.get("k", NOW, LATER, source) == "spans v2"
    assert len(source.fetches) == 2


async def test_a_change_at_one_business_leaves_another_business_s_kept_value() -> None:
    feed, source = Feed(), Source()
    cache = SpanCache(feed)
    await cache.get(("k", "acme"), NOW, LATER, source, "acme")
    await cache.get(("k", "harbour"), NOW, LATER, source, "harbour")
    feed.changed("acme")  # a booking at Acme
    await cache.get(("k", "acme"), NOW, LATER, source, "acme")
    await cache.get(("k", "harbour"), NOW, LATER, source, "harbour")
    assert len(source.fetches) == 3  # Acme's read again, Harbour's still kept
    feed.changed()  # a change of unknown business (or the feed reconnecting): all stale
    await cache.get(("k", "harbour"), NOW, LATER, source, "harbour")
    assert len(source.fetches) == 4


async def test_the_fetched_window_is_whole_days_and_a_wider_ask_fetches_again() -> None:
    feed, source = Feed(), Source()
    cache = SpanCache(feed)
    await cache.get("k", NOW, LATER, source)
    assert source.fetches == [widened(NOW, LATER)]
    low, high = source.fetches[0]
    assert (low.hour, high.hour) == (0, 0) and low < NOW and high > LATER
    await cache.get("k", NOW, high + timedelta(days=1), source)
    assert len(source.fetches) == 2


async def test_nothing_is_trusted_while_the_feed_is_not_live() -> None:
    feed, source = Feed(live=False), Source()
    cache = SpanCache(feed)
    await cache.get("k", NOW, LATER, source)
    await cache.get("k", NOW, LATER, source)
    assert len(source.fetches) == 2


async def test_a_value_read_while_something_changed_is_not_kept() -> None:
    feed = Feed()
    cache = SpanCache(feed)
    reads = 0

    async def racing(low: datetime, high: datetime) -> str:
        nonlocal reads
        reads += 1
        feed.changed()  # a booking commits while we read
        return "maybe stale"

    await cache.get("k", NOW, LATER, racing)
    await cache.get("k", NOW, LATER, racing)
    assert reads == 2


async def test_an_unfresh_answer_is_not_kept() -> None:
    feed = Feed()
    cache = SpanCache(feed)
    source = Source()
    source.value = None  # type: ignore[assignment]  # the mirror says: not fresh, ask Google
    assert await cache.get("k", NOW, LATER, source) is None
    assert await cache.get("k", NOW, LATER, source) is None
    assert len(source.fetches) == 2


async def test_postgres_announces_a_committed_change_to_every_listener(
    database_url: str, clean_pool: asyncpg.Pool
) -> None:
    feeds = [ChangeFeed(database_url), ChangeFeed(database_url)]
    for feed in feeds:
        await feed.start()
    try:
        assert all(feed.live for feed in feeds)
        before = [feed.generation_of("b") for feed in feeds]
        others = [feed.generation_of("other") for feed in feeds]
        await clean_pool.execute(
            "insert into calendar_mirror (business_id, calendar_id, event_id, starts_at, ends_at)"
            " values ('b', 'c', 'e1', now(), now() + interval '1 hour')"
        )
        for _ in range(100):
            if all(f.generation_of("b") > b for f, b in zip(feeds, before, strict=True)):
                break
            await asyncio.sleep(0.01)
        assert all(f.generation_of("b") > b for f, b in zip(feeds, before, strict=True))
        # The announcement names its business: another business's copies stay good.
        assert [feed.generation_of("other") for feed in feeds] == others
    finally:
        for feed in feeds:
            await feed.aclose()
        await clean_pool.execute("delete from calendar_mirror where business_id = 'b'")


async def test_a_lost_listener_distrusts_everything_until_it_is_back(
    database_url: str, clean_pool: asyncpg.Pool
) -> None:
    feed = ChangeFeed(database_url)
    await feed.start()
    try:
        await clean_pool.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where query like 'LISTEN%' and pid <> pg_backend_pid()"
            " and datname = current_database()"
        )
        for _ in range(100):
            if not feed.live:
                break
            await asyncio.sleep(0.01)
        assert not feed.live
        for _ in range(300):  # it reconnects by itself
            if feed.live:
                break
            await asyncio.sleep(0.01)
        assert feed.live
    finally:
        await feed.aclose()
