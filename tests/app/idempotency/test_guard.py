"""Both tiers together: the database remembers what Redis forgot, and a dead Redis degrades."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from redis.asyncio import Redis

from app.idempotency import Mismatch, Outcome, Replay, Started, StillRunning
from app.idempotency.guard import IdempotencyGuard, request_key
from app.idempotency.memory import MemoryTier
from app.idempotency.records import PostgresRecords
from app.idempotency.redis_tier import RedisTier

BODY = {"ok": True, "message": "You're booked.", "appointment": {"appointment_id": "apt_x"}}


async def test_a_reply_survives_redis_forgetting_it(redis: Redis, clean_pool: asyncpg.Pool) -> None:
    guard = IdempotencyGuard(RedisTier(redis, 60, 180), PostgresRecords(clean_pool), 1)
    assert isinstance(await guard.begin("k", "fp"), Started)
    await guard.finish("k", "fp", 200, BODY)
    await redis.flushdb()  # eviction, restart without persistence
    assert await guard.begin("k", "fp") == Replay(200, BODY)
    assert isinstance(await guard.begin("k", "other"), Mismatch)


async def test_a_dead_redis_degrades_to_the_database(clean_pool: asyncpg.Pool) -> None:
    dead = RedisTier.from_url("redis://127.0.0.1:1/0", 60, 180)
    guard = IdempotencyGuard(dead, PostgresRecords(clean_pool), 1)
    assert isinstance(await guard.begin("k", "fp"), Started)
    await guard.finish("k", "fp", 200, BODY)
    assert await guard.begin("k", "fp") == Replay(200, BODY)
    await dead.aclose()


def test_keys_come_from_the_header_or_the_call() -> None:
    derived = request_key("book_appointment", {"a": 1, "b": 2}, "call_1", None)
    assert derived == request_key("book_appointment", {"b": 2, "a": 1}, "call_1", None)
    assert derived != request_key("book_appointment", {"a": 1, "b": 2}, "call_2", None)
    assert request_key("book_appointment", {}, "call_1", "abc") != derived
    assert request_key("book_appointment", {}, None, None) is None


class _BrokenRecords:
    async def lookup(self, key: str) -> tuple[str, int, dict[str, object]] | None:
        raise ConnectionError("database down")

    async def keep(self, key: str, fingerprint: str, status: int, body: dict[str, object]) -> None:
        raise AssertionError("never reached")


async def test_a_request_that_fails_while_starting_keeps_no_claim(redis: Redis) -> None:
    """The database failing on the kept-reply lookup (a 500) must not leave the key in flight."""
    fast = RedisTier(redis, 60, 10)
    broken = IdempotencyGuard(fast, _BrokenRecords(), 0)
    with pytest.raises(ConnectionError):
        await broken.begin("k", "fp")
    assert isinstance(await IdempotencyGuard(fast, None, 0).begin("k", "fp"), Started)


async def test_the_holder_renews_its_lease_while_it_works(redis: Redis) -> None:
    fast = RedisTier(redis, 60, 1)
    guard = IdempotencyGuard(fast, None, 0, renew_every_seconds=0.3)
    assert isinstance(await guard.begin("k", "fp"), Started)
    async with guard.holding("k", "fp"):
        await asyncio.sleep(1.5)
        assert isinstance(await guard.begin("k", "fp"), StillRunning)
    await asyncio.sleep(1.2)
    assert isinstance(await guard.begin("k", "fp"), Started)


class FlakyTier(MemoryTier):
    """Times out for one key, as Redis does for some requests on a loaded machine."""

    async def begin(self, key: str, fingerprint: str, wait_seconds: float) -> Outcome:
        if key == "slow":
            raise TimeoutError
        return await super().begin(key, fingerprint, wait_seconds)


async def test_a_claimed_key_is_released_even_while_the_cache_is_skipped() -> None:
    """Another request's timeout must not strand the duplicates waiting on this one (they
    answered 409 until the lease ran out: 50 identical requests, Redis slow for some)."""
    tier = FlakyTier(ttl_seconds=60, inflight_seconds=10)
    guard = IdempotencyGuard(tier, None, 0.1)
    assert isinstance(await guard.begin("k", "fp"), Started)
    assert isinstance(await guard.begin("slow", "fp"), Started)  # degraded: the cache is skipped
    await guard.finish("k", "fp", 200, BODY)
    assert await tier.begin("k", "fp", 0.1) == Replay(200, BODY)
    assert isinstance(await guard.begin("j", "fp"), Started)  # skipped: nothing claimed
    await guard.abandon("j")
    assert isinstance(await tier.begin("j", "fp", 0.1), Started)


async def test_a_key_refused_as_reused_does_not_stay_claimed(clean_pool: asyncpg.Pool) -> None:
    records = PostgresRecords(clean_pool)
    await records.keep("k", "first", 200, BODY)
    tier = MemoryTier(ttl_seconds=60, inflight_seconds=10)
    guard = IdempotencyGuard(tier, records, 0.1)
    assert isinstance(await guard.begin("k", "other"), Mismatch)
    assert not isinstance(await tier.begin("k", "other", 0.1), StillRunning)
