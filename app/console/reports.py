"""The console's report pages: recent calls and one call, the health of what the receptionist
depends on, and insights over the last 30 days (SVG charts with the numbers beneath)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import structlog
from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.console import records
from app.console.auth import Form, Served, Session, check_csrf
from app.console.charts import Bar, bars
from app.console.outcomes import call_outcome
from app.console.views import masked, when_written
from app.guards import Frontdesk

log = structlog.get_logger("frontdesk.console")

DAYS = 30


@get("/calls")
async def calls_page(frontdesk: Frontdesk, session: Session, tenant: Served) -> Template:
    business = tenant.deps.business
    now = tenant.deps.clock()
    found = await records.recent_calls(
        frontdesk.operator_records, business.id, now - timedelta(days=DAYS), now
    )
    rows = [
        {
            "call_id": c["call_id"],
            "when": when_written(c["at"], business),
            "caller": masked(c.get("from_number")),
            "duration": _duration(c.get("duration_ms")),
            "outcome": call_outcome(c["tools"], c.get("disconnection_reason")),
            "appointments": c["appointments"],
        }
        for c in found
    ]
    return Template("calls.html", context={"business": business, "session": session, "calls": rows})


@get("/calls/{call_id:str}")
async def call_page(
    frontdesk: Frontdesk, session: Session, tenant: Served, call_id: FromPath[str]
) -> Template:
    business = tenant.deps.business
    trace = await tenant.journal.records.call_trace(business.id, call_id[:128])
    call = trace.get("call")
    tools = await records.tool_calls(frontdesk.operator_records, business.id, call_id[:128])
    if call is None and not tools:
        raise NotFoundException("no such call")
    return Template(
        "call.html",
        context={
            "business": business,
            "session": session,
            "call_id": call_id,
            "call": call or {},
            "caller": masked((call or {}).get("from_number")),
            "outcome": call_outcome(
                [(t["tool"], t["outcome"]) for t in tools], (call or {}).get("disconnection_reason")
            ),
            "tool_calls": [{**t, "when": when_written(t.get("at"), business)} for t in tools],
            "appointments": trace.get("appointments", []),
        },
    )


@get("/health")
async def health_page(
    frontdesk: Frontdesk, session: Session, tenant: Served, resync: FromQuery[str] = ""
) -> Template:
    business = tenant.deps.business
    now = tenant.deps.clock()
    found = await records.health(frontdesk.operator_records, business.id, now - timedelta(days=1))
    backlog = await frontdesk.operator_records.call("fd_outbox_backlog", {})
    cache = "ok"
    try:
        await frontdesk.idempotency.fast.ping()
    except Exception as error:
        cache = f"not answering ({type(error).__name__})"
    return Template(
        "health.html",
        context={
            "business": business,
            "session": session,
            "database": "ok",  # this page was read from it
            "cache": cache,
            "calendars": [
                {
                    "calendar_id": c["calendar_id"],
                    "synced": when_written(c.get("synced_at"), business) or "never",
                    "channel": when_written(c.get("channel_expires_at"), business) or "none",
                    "mirror": when_written(c.get("mirror_updated_at"), business) or "empty",
                }
                for c in found["calendars"]
            ],
            "unsettled": found["unsettled"],
            "outbox_due": backlog["depth"],
            "outbox_oldest": int(backlog["oldest_due_seconds"]),
            "errors": found["errors"],
            "google": tenant.google_sync is not None,
            "resync_asked": resync == "asked",
        },
    )


@post("/health/resync", status_code=303)
async def resync_calendars(
    frontdesk: Frontdesk, session: Session, tenant: Served, data: Form
) -> Redirect:
    """Reads every Google calendar again now (the safety poll, brought forward): an edit made
    in Google shows without waiting for the next poll or a push."""
    check_csrf(session, data)
    sync = tenant.google_sync
    if sync is not None:
        for calendar_id in sync.calendar_ids:
            sync.sync_soon(calendar_id)
        log.info("console.resync_calendars", calendars=len(sync.calendar_ids))
    return Redirect("/console/health?resync=asked", status_code=303)


@get("/insights")
async def insights_page(frontdesk: Frontdesk, session: Session, tenant: Served) -> Template:
    business = tenant.deps.business
    today = business.today(tenant.deps.clock())
    start = datetime.combine(today - timedelta(days=DAYS - 1), time(0), tzinfo=business.timezone)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=business.timezone)
    found = await records.insights(
        frontdesk.operator_records, business.id, start, end, business.timezone.key
    )
    by_day = {d["day"]: d for d in found["days"]}
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    daily = [
        Bar(
            f"{day:%b} {day.day}",
            by_day.get(day.isoformat(), {}).get("calls", 0),
            by_day.get(day.isoformat(), {}).get("booked", 0),
        )
        for day in days
    ]
    hours = {h["hour"]: h["calls"] for h in found["hours"]}
    hourly = [Bar(f"{h}", hours.get(h, 0)) for h in range(24)]
    calls = sum(b.value for b in daily)
    booked = sum(b.second or 0 for b in daily)
    return Template(
        "insights.html",
        context={
            "business": business,
            "session": session,
            "daily_chart": bars("Calls per day, booked in the darker part", daily),
            "hourly_chart": bars("Calls by hour of the day", hourly),
            "daily": daily,
            "hourly": [b for b in hourly if b.value],
            "calls": int(calls),
            "booked": int(booked),
            "conversion": f"{100 * booked / calls:.0f}%" if calls else "no calls yet",
            "latency": found["latency"],
            "latency_chart": bars(
                "Tool latency, p50 and p95 (ms)",
                [
                    Bar(f"{row['tool']} {q}", float(row[q] or 0))
                    for row in found["latency"]
                    for q in ("p50", "p95")
                ],
                unit=" ms",
            ),
        },
    )


def _duration(ms: Any) -> str:
    if not ms:
        return "unknown"
    seconds = int(ms) // 1000
    return f"{seconds // 60} min {seconds % 60:02d} s"
