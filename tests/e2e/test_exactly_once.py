"""Retries, duplicates and races against the running app on real Postgres and Redis."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from tests.e2e.conftest import retell_call, sign


def signed(name: str, args: dict[str, Any], call: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"name": name, "call": call, "args": args}).encode()
    return body, {"content-type": "application/json"}


async def post_many(
    base: str, requests: list[tuple[bytes, dict[str, str]]]
) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(requests))
    async with httpx.AsyncClient(base_url=base, timeout=20, limits=limits) as client:
        # Each delivery is signed afresh, as Retell's retries are.
        return await asyncio.gather(
            *(
                client.post(
                    "/retell/functions", content=b, headers={**h, "x-retell-signature": sign(b)}
                )
                for b, h in requests
            )
        )


@pytest.fixture
async def fresh(clean_pool: asyncpg.Pool, redis: Redis) -> asyncpg.Pool:
    """No appointments and no remembered replies from earlier tests."""
    return clean_pool


# Each test books its own day: the server's calendar file outlives the per-test database reset.


async def test_fifty_identical_requests_make_one_appointment_and_one_answer(
    redis_server: str, fresh: asyncpg.Pool
) -> None:
    request = signed(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-15T10:00", "name": "Ada Lovelace"},
        retell_call("call_fifty"),
    )
    responses = await post_many(redis_server, [request] * 50)
    assert {r.status_code for r in responses} == {200}
    bodies = {r.text for r in responses}
    assert len(bodies) == 1
    assert json.loads(bodies.pop())["appointment"]["status"] == "booked"
    assert await fresh.fetchval("select count(*) from appointments") == 1


async def test_twenty_callers_racing_for_one_slot(redis_server: str, fresh: asyncpg.Pool) -> None:
    requests = [
        signed(
            "book_appointment",
            {"service": "Cleaning", "start": "2027-03-24T11:00", "name": f"Caller {i}"},
            retell_call(f"call_race_{i}", f"+1415555{i:04d}"),
        )
        for i in range(20)
    ]
    replies = [r.json() for r in await post_many(redis_server, requests)]
    booked = [r for r in replies if r["ok"]]
    taken = [r for r in replies if not r["ok"]]
    assert len(booked) == 1
    assert len(taken) == 19
    assert all(r["error"] == "slot_taken" and r["alternatives"] for r in taken)
    assert await fresh.fetchval("select count(*) from appointments where status = 'booked'") == 1


async def test_a_reschedule_racing_a_booking_for_its_target(
    redis_server: str, fresh: asyncpg.Pool
) -> None:
    mine = signed(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-16T09:00", "name": "Ada"},
        retell_call("call_mine"),
    )
    (first,) = await post_many(redis_server, [mine])
    appointment_id = first.json()["appointment"]["appointment_id"]
    # Two hours apart, so whoever lost the last round does not block this one.
    targets = [
        "2027-03-17T09:00",
        "2027-03-17T11:00",
        "2027-03-17T13:00",
        "2027-03-17T15:00",
        "2027-03-18T09:00",
    ]
    for round_, target in enumerate(targets):
        move = signed(
            "reschedule_appointment",
            {"appointment_id": appointment_id, "start": target},
            retell_call(f"call_mine_{round_}"),
        )
        other = signed(
            "book_appointment",
            {"service": "Cleaning", "start": target, "name": "Grace"},
            retell_call(f"call_other_{round_}", f"+1415666{round_:04d}"),
        )
        moved, booked = [r.json() for r in await post_many(redis_server, [move, other])]
        assert moved.get("ok") != booked.get("ok"), (moved, booked)  # never both, never neither
        holders = await fresh.fetch(
            "select id from appointments where status = 'booked' and starts_at = $1",
            datetime.fromisoformat(f"{target}-04:00"),
        )
        assert len(holders) == 1
    assert (
        await fresh.fetchval(
            "select count(*) from appointments where id = $1 and status = 'booked'", appointment_id
        )
        == 1
    )


async def test_the_same_key_with_other_arguments_is_refused(
    redis_server: str, fresh: asyncpg.Pool
) -> None:
    body_a, headers_a = signed(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-22T09:00", "name": "A"},
        retell_call("call_key"),
    )
    body_b, headers_b = signed(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-22T13:00", "name": "A"},
        retell_call("call_key"),
    )
    key = {"idempotency-key": "retell-attempt-1"}
    first, second = await post_many(redis_server, [(body_a, headers_a | key)]) + await post_many(
        redis_server, [(body_b, headers_b | key)]
    )
    assert first.status_code == 200
    assert second.status_code == 422
    assert second.json()["error"] == "idempotency_key_reused"
    replay = (await post_many(redis_server, [(body_a, headers_a | key)]))[0]
    assert (replay.status_code, replay.text) == (200, first.text)
    assert await fresh.fetchval("select count(*) from appointments") == 1


async def test_a_retry_after_redis_forgot_replays_from_the_database(
    redis_server: str, fresh: asyncpg.Pool, redis: Redis
) -> None:
    request = signed(
        "cancel_appointment", {"appointment_id": "apt_placeholder"}, retell_call("call_forget")
    )
    book = signed(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-23T10:00", "name": "Ada"},
        retell_call("call_forget"),
    )
    booked = (await post_many(redis_server, [book]))[0].json()
    cancel_args = {"appointment_id": booked["appointment"]["appointment_id"]}
    request = signed("cancel_appointment", cancel_args, retell_call("call_forget"))
    first = (await post_many(redis_server, [request]))[0]
    await redis.flushdb()
    again = (await post_many(redis_server, [request]))[0]
    assert first.json()["appointment"]["status"] == "cancelled"
    assert again.text == first.text


async def test_without_redis_the_database_still_prevents_duplicates(
    live_server: str, fresh: asyncpg.Pool
) -> None:
    """The in-process tier (the embedded default) and the booking intent: same guarantees."""
    request = signed(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-15T14:00", "name": "Ada"},
        retell_call("call_local"),
    )
    responses = await post_many(live_server, [request] * 20)
    assert len({r.text for r in responses}) == 1
    assert await fresh.fetchval("select count(*) from appointments") == 1
