"""Liveness (the process answers) and readiness (database and cache answer, config loaded)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from litestar import Request, Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from app.metrics import exposition
from app.state import AppState


@get("/health/live", sync_to_thread=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/metrics", media_type="text/plain; version=0.0.4", sync_to_thread=False)
def metrics() -> bytes:
    return exposition()


@get("/health/ready")
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    state = AppState.of(request)
    checks = {
        "config": "ok",
        "database": await _check(_database(state)),
        "cache": await _check(state.idempotency.fast.ping()),
    }
    healthy = all(v == "ok" for v in checks.values())
    return Response(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
    )


async def _database(state: AppState) -> None:
    pool = state.pool
    if pool is not None:
        await pool.fetchval("select 1")
    else:
        await state.deps.store.get("")


async def _check(probe: Awaitable[None]) -> str:
    try:
        async with asyncio.timeout(2):
            await probe
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"
