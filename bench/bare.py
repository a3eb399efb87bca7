"""The floor the load test compares the app against, as a ladder of bare Litestar endpoints:
``/retell/functions`` answers a constant (the issue's baseline), ``/parsed`` also reads and
parses the JSON body (what any webhook must do), ``/queried`` also makes one Postgres round
trip (``BENCH_DATABASE_URL``), as a search that read a version per request would."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from litestar import Litestar, Request, post

_POOL: list[asyncpg.Pool] = []


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


@asynccontextmanager
async def _database(_: Litestar) -> AsyncIterator[None]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        _POOL.append(await asyncpg.create_pool(url, min_size=2, max_size=10))
    yield
    for pool in _POOL:
        await pool.close()


app = Litestar([answer, parsed, queried], lifespan=[_database])
