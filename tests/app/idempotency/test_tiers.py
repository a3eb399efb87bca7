"""The fast tiers keep the same promises, in process and on a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from app.idempotency import FastTier, Mismatch, Replay, Started, StillRunning
from app.idempotency.memory import MemoryTier
from app.idempotency.redis_tier import RedisTier

BODY = {"ok": True, "message": "You're booked."}


@pytest.fixture(params=["memory", "redis"])
async def tier(request: pytest.FixtureRequest, redis: Redis) -> AsyncIterator[FastTier]:
    if request.param == "memory":
        yield MemoryTier(ttl_seconds=60, inflight_seconds=2)
    else:
        yield RedisTier(redis, ttl_seconds=60, inflight_seconds=2)


async def test_the_first_runs_and_a_repeat_replays_its_reply(tier: FastTier) -> None:
    assert isinstance(await tier.begin("k", "fp", 1), Started)
    await tier.finish("k", "fp", 200, BODY)
    assert await tier.begin("k", "fp", 1) == Replay(200, BODY)


async def test_other_arguments_under_the_same_key_are_refused(tier: FastTier) -> None:
    await tier.begin("k", "fp", 1)
    assert isinstance(await tier.begin("k", "other", 1), Mismatch)
    await tier.finish("k", "fp", 200, BODY)
    assert isinstance(await tier.begin("k", "other", 1), Mismatch)


async def test_a_repeat_during_the_first_waits_for_its_reply(tier: FastTier) -> None:
    await tier.begin("k", "fp", 1)

    async def finish_soon() -> None:
        await asyncio.sleep(0.1)
        await tier.finish("k", "fp", 200, BODY)

    waiter = asyncio.create_task(tier.begin("k", "fp", 2))
    await finish_soon()
    assert await waiter == Replay(200, BODY)


async def test_a_repeat_gives_up_when_the_first_runs_too_long(tier: FastTier) -> None:
    await tier.begin("k", "fp", 1)
    assert isinstance(await tier.begin("k", "fp", 0.1), StillRunning)


async def test_an_abandoned_key_lets_the_next_attempt_run(tier: FastTier) -> None:
    await tier.begin("k", "fp", 1)
    await tier.abandon("k")
    assert isinstance(await tier.begin("k", "fp", 1), Started)


async def test_the_in_flight_marker_expires_after_a_crash(tier: FastTier) -> None:
    await tier.begin("k", "fp", 1)  # never finished: the process "died"
    await asyncio.sleep(2.1)
    assert isinstance(await tier.begin("k", "fp", 0.1), Started)


async def test_a_renewed_lease_holds_and_a_dead_holders_frees_within_its_lease(
    tier: FastTier,
) -> None:
    """The holder renews a 2 s lease past its lifetime; once it stops (it died), the key
    frees and a retry runs."""
    assert isinstance(await tier.begin("k", "fp", 0), Started)
    for _ in range(3):
        await asyncio.sleep(1)
        await tier.renew("k", "fp")
    assert isinstance(await tier.begin("k", "fp", 0), StillRunning)
    assert isinstance(await tier.begin("k", "fp", 3), Started)


async def test_renewing_never_shortens_a_kept_reply(tier: FastTier) -> None:
    await tier.begin("k", "fp", 0)
    await tier.finish("k", "fp", 200, BODY)
    await tier.renew("k", "fp")
    await asyncio.sleep(2.2)
    assert await tier.begin("k", "fp", 0) == Replay(200, BODY)
