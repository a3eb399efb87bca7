"""The day (the landing page: a column per staff member) and the week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from app.console import queries
from app.console.columns import columns
from app.console.pages import day_or_today, local_span, page, pool_of, seen_business
from app.guards import Frontdesk


@get("/", name="console_day")
async def day(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, date: FromQuery[str] = ""
) -> Template:
    business = seen_business(request, frontdesk)
    shown = day_or_today(date, business, frontdesk.deps.clock())
    start, end = local_span(business, shown, 1)
    found = await queries.appointments_between(pool_of(frontdesk), business.id, start, end)
    return page(
        request,
        frontdesk,
        "day",
        here="day",
        day=shown,
        previous=shown - timedelta(days=1),
        next=shown + timedelta(days=1),
        columns=columns(business, found),
        count=sum(1 for a in found if a.status == "booked"),
    )


@get("/week")
async def week(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, date: FromQuery[str] = ""
) -> Template:
    business = seen_business(request, frontdesk)
    shown = day_or_today(date, business, frontdesk.deps.clock())
    monday = shown - timedelta(days=shown.weekday())
    start, end = local_span(business, monday, 7)
    found = await queries.appointments_between(pool_of(frontdesk), business.id, start, end)
    days = [monday + timedelta(days=i) for i in range(7)]
    by_day = {
        d: [a for a in found if a.start.astimezone(business.timezone).date() == d] for d in days
    }
    return page(
        request,
        frontdesk,
        "week",
        here="week",
        days=days,
        by_day=by_day,
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
    )
