"""Health (database, cache, calendars, backlogs, recent errors), a forced calendar resync, and
insights (calls per day, conversion, busiest hours, tool latency) as SVG charts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import structlog
from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.console import figures
from app.console.charts import Bar, bar_chart
from app.console.pages import page, pool_of, seen_business
from app.guards import Frontdesk
from app.routes.health import cache_check, calendar_check, database_check

log = structlog.get_logger("frontdesk.console")


@get("/health")
async def health(request: Request[Any, Any, Any], frontdesk: Frontdesk) -> Template:
    business = seen_business(request, frontdesk)
    pool = pool_of(frontdesk)
    now = frontdesk.deps.clock()
    database, cache, calendar = await asyncio.gather(
        database_check(frontdesk), cache_check(frontdesk), calendar_check(frontdesk)
    )
    return page(
        request,
        frontdesk,
        "health",
        here="health",
        checks={"Database": database, "Cache": cache, "Calendar": calendar},
        calendars=await figures.calendars(pool, business.id),
        backlogs=await figures.backlogs(pool, business.id),
        errors=await figures.recent_errors(pool, business.id, now - timedelta(days=1)),
        google=frontdesk.google_sync is not None,
        now=now,
    )


@post("/health/resync", status_code=303)
async def resync_calendars(request: Request[Any, Any, Any], frontdesk: Frontdesk) -> Redirect:
    """Reads every Google calendar again now (the safety poll, brought forward)."""
    seen_business(request, frontdesk)
    if frontdesk.google_sync is not None:
        for calendar_id in frontdesk.google_sync.calendar_ids:
            frontdesk.google_sync.sync_soon(calendar_id)
        log.info("console.resync_calendars")
    return Redirect("/console/health", status_code=303)


@get("/insights")
async def insights(request: Request[Any, Any, Any], frontdesk: Frontdesk) -> Template:
    business = seen_business(request, frontdesk)
    pool = pool_of(frontdesk)
    zone = business.timezone
    today = business.today(frontdesk.deps.clock())
    first = today - timedelta(days=29)
    since = frontdesk.deps.clock() - timedelta(days=30)
    per_day = {
        d: (calls, booked)
        for d, calls, booked in await figures.calls_per_day(pool, business.id, since, zone)
    }
    days = [first + timedelta(days=i) for i in range(30)]
    calls = [Bar(f"{d:%d %b}", per_day.get(d, (0, 0))[0]) for d in days]
    conversion = [
        Bar(f"{d:%d %b}", round(100 * b / c) if c else 0, f"{d:%d %b}: {b} of {c} booked")
        for d in days
        for c, b in [per_day.get(d, (0, 0))]
    ]
    hours = await figures.busiest_hours(pool, business.id, since, zone)
    by_hour = [Bar(f"{h}:00", hours.get(h, 0)) for h in range(24)]
    latency = await figures.tool_latency(pool, business.id, since)
    total_calls = sum(c for c, _ in per_day.values())
    total_booked = sum(b for _, b in per_day.values())
    return page(
        request,
        frontdesk,
        "insights",
        here="insights",
        calls_chart=bar_chart(calls, title="Calls per day, last 30 days"),
        conversion_chart=bar_chart(conversion, title="Calls that booked, % per day"),
        hours_chart=bar_chart(by_hour, title="Calls by hour of day"),
        calls=calls,
        conversion=conversion,
        hours=by_hour,
        total_calls=total_calls,
        total_booked=total_booked,
        latency=latency,
        latency_chart=bar_chart(
            [
                Bar(f"{t['tool']} {q}", float(t[q]), f"{t['tool']} {q}: {float(t[q]):.0f} ms")
                for t in latency
                for q in ("p50", "p95")
            ],
            title="Tool latency p50 and p95, ms",
        ),
    )
