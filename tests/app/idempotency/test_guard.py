"""Both tiers together: the database remembers what Redis forgot, and a dead Redis degrades."""

from __future__ import annotations

import asyncpg
from redis.asyncio import Redis

from app.idempotency import Mismatch, Replay, Started
from app.idempotency.guard import IdempotencyGuard, request_key
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
