"""Liveness (the process answers) and readiness.

Readiness is 503 only for what makes calls fail: the database or the calendar. Redis down is
``degraded`` and stays 200, because calls go on without it (idempotency falls back to the
database), so a load balancer keeps the instance in rotation.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotAuthorizedException
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from app.metrics import exposition
from app.openapi import document
from app.state import AppState


@get("/health/live", sync_to_thread=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/metrics", media_type="text/plain; version=0.0.4", sync_to_thread=False)
def metrics(request: Request[Any, Any, Any]) -> bytes:
    """Prometheus text; behind ``Authorization: Bearer $METRICS_TOKEN`` when it is set (Fly's
    scraper sends it), open otherwise (local runs)."""
    token = AppState.of(request).settings.metrics_token
    scheme, _space, given = request.headers.get("authorization", "").partition(" ")
    if token and (
        scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode())
    ):
        raise NotAuthorizedException("metrics token required: Authorization: Bearer <token>")
    return exposition()


@get("/openapi.json", sync_to_thread=False)
def openapi() -> dict[str, Any]:
    return document()


@get("/health/ready")
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    state = AppState.of(request)
    database, cache, calendar = await asyncio.gather(
        _check(_database(state)), _check(state.idempotency.fast.ping()), _calendar(state)
    )
    checks = {
        "config": "ok",
        "database": database,
        "cache": cache if cache == "ok" else cache.replace("error", "degraded", 1),
        "calendar": calendar,
    }
    failing = [name for name in ("database", "calendar") if checks[name] != "ok"]
    status = "unavailable" if failing else "ok" if checks["cache"] == "ok" else "degraded"
    return Response(
        {"status": status, "checks": checks, "failing": failing},
        status_code=HTTP_503_SERVICE_UNAVAILABLE if failing else HTTP_200_OK,
    )


async def _database(state: AppState) -> None:
    pool = state.pool
    if pool is not None:
        await pool.fetchval("select 1")
    else:
        await state.deps.store.get("")


# The calendar is a remote API with quotas: probe it at most every 30 s per process while it
# answers, every 5 s while it does not (so recovery shows soon).
_CALENDAR_TTL_SECONDS = 30.0
_CALENDAR_FAILING_TTL_SECONDS = 5.0
_calendar_checked: dict[int, tuple[float, str]] = {}


async def _calendar(state: AppState) -> str:
    now = time.monotonic()
    cached = _calendar_checked.get(id(state))
    if cached is not None:
        ttl = _CALENDAR_TTL_SECONDS if cached[1] == "ok" else _CALENDAR_FAILING_TTL_SECONDS
        if now - cached[0] < ttl:
            return cached[1]
    deps = state.deps
    moment = deps.clock()

    async def probe() -> None:
        await deps.calendar.busy(
            deps.business.busy_calendar_ids, moment, moment + timedelta(minutes=1), live=True
        )

    verdict = await _check(probe())
    _calendar_checked[id(state)] = (now, verdict)
    return verdict


async def _check(probe: Awaitable[None]) -> str:
    try:
        async with asyncio.timeout(2):
            await probe
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"
