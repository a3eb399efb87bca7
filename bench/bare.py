"""The floor the load test compares the app against, as a ladder of bare Litestar endpoints:
``/retell/functions`` answers a constant (the issue's baseline), ``/parsed`` also reads and
parses the JSON body (what any webhook must do), ``/queried`` also makes one Postgres round
trip (``BENCH_DATABASE_URL``), as a search that read a version per request would, and
``/booked`` makes the round trips a booking cannot do without and nothing else: claim the
request in Redis and look for its durable reply in Postgres, ask Google's freeBusy, insert the
reservation, insert the event, confirm, keep the reply in Redis and in Postgres
(``BENCH_REDIS_URL``, ``BENCH_GOOGLE_URL``: the Google stand-in; agent_tools/book_appointment.py
and app/idempotency/ do these and more); ``/booked-without-google`` makes the same round trips
but Google's two, to say what the Postgres and Redis ones cost alone. The pool is set up as the
app's (app/db/appointments.py): nothing to reset when a connection goes back to it, so the
floor pays no round trip the app does not."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import asyncpg
from litestar import Litestar, Request, post
from redis.asyncio import Redis

_POOL: list[asyncpg.Pool] = []
_BOOKING: dict[str, Any] = {}  # the Redis client, the HTTP session, Google's URL and token
_NUMBERS = itertools.count()
_CALENDAR = "floor@bench.test"  # the events are written here
_ASKED = "floor-diary@bench.test"  # and the busy time asked of this one


@post("/retell/functions", status_code=200)
async def answer() -> dict[str, object]:
    return {"ok": True, "message": "Hello."}


@post("/parsed", status_code=200)
async def parsed(request: Request[Any, Any, Any]) -> dict[str, object]:
    payload = json.loads(await request.body())
    return {"ok": True, "message": "Hello.", "tool": payload.get("name")}


@post("/queried", status_code=200)
async def queried(request: Request[Any, Any, Any]) -> dict[str, object]:
    payload = json.loads(await request.body())
    version = await _POOL[0].fetchval("select 1")
    return {"ok": True, "message": "Hello.", "tool": payload.get("name"), "version": version}


@post("/booked", status_code=200)
async def booked(request: Request[Any, Any, Any]) -> dict[str, object]:
    return await _booking(request, google=True)


@post("/booked-without-google", status_code=200)
async def booked_without_google(request: Request[Any, Any, Any]) -> dict[str, object]:
    return await _booking(request, google=False)


async def _booking(request: Request[Any, Any, Any], *, google: bool) -> dict[str, object]:
    payload = json.loads(await request.body())
    pool, redis, session = _POOL[0], _BOOKING["redis"], _BOOKING["session"]
    key = f"floor:{os.getpid()}:{next(_NUMBERS)}"
    await redis.set(key, "running", nx=True, ex=60)
    await pool.fetchrow("select body from bench_floor_records where key = $1", key)
    start = datetime.now(UTC) + timedelta(days=1)
    end = start + timedelta(minutes=30)
    window = {"timeMin": start.isoformat(), "timeMax": end.isoformat()}
    if google:
        await _google(session, "/calendar/v3/freeBusy", {**window, "items": [{"id": _ASKED}]})
    await pool.execute(
        "insert into bench_floor_bookings (id, starts_at, status) values ($1, $2, 'pending')",
        key,
        start,
    )
    event = {
        "id": key.replace(":", "x"),
        "summary": "Floor",
        "start": {"dateTime": start.isoformat()},
    }
    event["end"] = {"dateTime": end.isoformat()}
    if google:
        await _google(session, f"/calendar/v3/calendars/{_CALENDAR}/events", event)
    await pool.execute("update bench_floor_bookings set status = 'booked' where id = $1", key)
    reply = {"ok": True, "message": "You're booked.", "tool": payload.get("name")}
    await redis.set(key, json.dumps(reply), ex=60)
    await pool.execute(
        "insert into bench_floor_records (key, body) values ($1, $2)", key, json.dumps(reply)
    )
    return reply


async def _google(session: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> None:
    headers = {"authorization": f"Bearer {_BOOKING['token']}"}
    async with session.post(_BOOKING["google"] + path, json=body, headers=headers) as response:
        await response.read()


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """As app/db/appointments.py: asyncpg's default reset is one more round trip per release."""


@asynccontextmanager
async def _database(_: Litestar) -> AsyncIterator[None]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        pool = await asyncpg.create_pool(url, min_size=2, max_size=10, reset=_nothing_to_reset)
        _POOL.append(pool)
        await pool.execute(
            "create table if not exists bench_floor_bookings"
            " (id text primary key, starts_at timestamptz not null, status text not null);"
            "create table if not exists bench_floor_records (key text primary key, body text)"
        )
    google = os.environ.get("BENCH_GOOGLE_URL")
    if google:
        session = aiohttp.ClientSession()
        async with session.post(f"{google}/token", data={"grant_type": "refresh_token"}) as got:
            token = (await got.json())["access_token"]
        redis = Redis.from_url(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
        _BOOKING.update(redis=redis, session=session, google=google, token=token)
    yield
    if _BOOKING:
        await _BOOKING["session"].close()
        await _BOOKING["redis"].aclose()
    for pool in _POOL:
        await pool.close()


app = Litestar([answer, parsed, queried, booked, booked_without_google], lifespan=[_database])
