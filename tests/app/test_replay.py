"""Seen signatures are shared by every instance and outlive a restart, in Redis and, when
Redis is away, in Postgres; each is forgotten once it would be stale anyway."""

from __future__ import annotations

import time

import asyncpg
from redis.asyncio import Redis

from app.replay import SeenSignatures


def _in(seconds: float) -> int:
    return int((time.time() + seconds) * 1000)


async def test_a_signature_seen_by_one_instance_is_a_repeat_on_another(
    redis: Redis, redis_url: str
) -> None:
    one = SeenSignatures(Redis.from_url(redis_url))
    two = SeenSignatures(Redis.from_url(redis_url))
    assert await one.first_time("v=1,d=aa", _in(300))
    assert not await two.first_time("v=1,d=aa", _in(300))
    assert await two.first_time("v=2,d=bb", _in(300))
    await one.aclose()
    await two.aclose()


async def test_redis_forgets_a_signature_when_it_expires(redis: Redis, redis_url: str) -> None:
    seen = SeenSignatures(Redis.from_url(redis_url))
    assert await seen.first_time("v=3,d=cc", _in(0.05))
    time.sleep(0.1)  # noqa: ASYNC251 - a real expiry in Redis, a tenth of a second
    assert await seen.first_time("v=3,d=cc", _in(300))
    await seen.aclose()


async def test_without_redis_postgres_remembers_across_instances(pool: asyncpg.Pool) -> None:
    dead = "redis://127.0.0.1:1/0"
    one = SeenSignatures(Redis.from_url(dead, socket_connect_timeout=0.2), pool)
    two = SeenSignatures(None, pool)
    signature = f"v={time.time_ns()},d=dd"
    assert await one.first_time(signature, _in(300))
    assert not await two.first_time(signature, _in(300))
    await one.aclose()


async def test_postgres_reuses_an_expired_signature(pool: asyncpg.Pool) -> None:
    seen = SeenSignatures(None, pool)
    signature = f"v={time.time_ns()},d=ee"
    assert await seen.first_time(signature, _in(-1))  # already past: stored expired
    assert await seen.first_time(signature, _in(300))
    assert not await seen.first_time(signature, _in(300))
