"""Recent calls, and one call: its transcript when Retell sent one, and its tool calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app.console import queries
from app.console.pages import identifier, page, pool_of, seen_business
from app.guards import Frontdesk


@get("/calls")
async def calls(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, before: FromQuery[str] = ""
) -> Template:
    business = seen_business(request, frontdesk)
    try:
        until = datetime.fromisoformat(before) if before else None
    except ValueError:
        until = None
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=business.timezone)
    found = await queries.recent_calls(pool_of(frontdesk), business.id, until)
    return page(request, frontdesk, "calls", here="calls", calls=found)


@get("/calls/{call_id:str}")
async def call(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, call_id: FromPath[str]
) -> Template:
    business = seen_business(request, frontdesk)
    owner = await queries.business_of_call(pool_of(frontdesk), identifier(call_id))
    if owner != business.id:
        raise NotFoundException()
    trace = await frontdesk.journal.records.call_trace(call_id)
    return page(request, frontdesk, "call", here="calls", call_id=call_id, trace=trace)
