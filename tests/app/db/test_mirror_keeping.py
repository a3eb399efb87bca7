"""A kept copy of the calendar mirror is never older than the mirror's freshness allows: what
is read for keeping must be fresh for as long again as it may be kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from app.db.calendar_mirror import PostgresMirror
from app.db.span_cache import SpanCache
from app.db.versions import DataVersion

CAL = "keeping@group.calendar.google.com"
NOW = datetime(2027, 3, 10, 15, tzinfo=UTC)


async def synced_seconds_ago(pool: asyncpg.Pool, seconds: int) -> None:
    await pool.execute("truncate calendar_mirror, calendar_sync")
    await pool.execute(
        "insert into calendar_sync (business_id, calendar_id, sync_token, synced_at)"
        " values ('keep-biz', $1, 't', now() - make_interval(secs => $2))",
        CAL,
        seconds,
    )


async def version(business_id: str) -> DataVersion:
    return DataVersion()


async def test_a_mirror_synced_long_enough_ago_is_read_but_not_kept(
    clean_pool: asyncpg.Pool,
) -> None:
    await synced_seconds_ago(clean_pool, 160)  # fresh for 20 more seconds of its 180
    uncached = PostgresMirror(clean_pool, "keep-biz", fresh_seconds=180)
    assert await uncached.busy([CAL], NOW, NOW + timedelta(days=1)) == {CAL: []}
    kept = PostgresMirror(
        clean_pool, "keep-biz", fresh_seconds=180, cache=SpanCache(version, ttl_seconds=30)
    )
    assert await kept.busy([CAL], NOW, NOW + timedelta(days=1)) is None  # Google is asked


async def test_a_recently_synced_mirror_is_kept(clean_pool: asyncpg.Pool) -> None:
    await synced_seconds_ago(clean_pool, 10)
    cache = SpanCache(version, ttl_seconds=30)
    kept = PostgresMirror(clean_pool, "keep-biz", fresh_seconds=180, cache=cache)
    assert await kept.busy([CAL], NOW, NOW + timedelta(days=1)) == {CAL: []}
    assert await kept.busy([CAL], NOW, NOW + timedelta(days=1)) == {CAL: []}
    assert (cache.hits, cache.misses) == (1, 1)
