"""Endpoints for the people running the service, behind ``Authorization: Bearer
$OPERATOR_API_KEY``: no or a wrong key is 401; with no key configured they do not exist (404).

- ``GET /operator/appointments?date=YYYY-MM-DD``: the day's appointments, every status.
- ``GET /operator/calls/{call_id}``: a call with its tool calls and the appointments it touched.
- ``POST /operator/appointments/{appointment_id}/resync``: hand the appointment to the
  reconciler, which makes the calendar match it again.
"""

from __future__ import annotations

import hmac
from datetime import date, datetime, time, timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException, ValidationException
from litestar.params import FromPath

from agent_tools.views import appointment_out
from app.state import AppState


def _authorized(request: Request[Any, Any, Any]) -> AppState:
    state = AppState.of(request)
    key = state.settings.operator_api_key
    if not key:
        raise NotFoundException()
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), key.encode()):
        raise NotAuthorizedException("operator key required")
    return state


@get("/operator/appointments")
async def day_appointments(request: Request[Any, Any, Any]) -> dict[str, Any]:
    state = _authorized(request)
    business = state.deps.business
    raw = request.query_params.get("date", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValidationException("date: expected YYYY-MM-DD") from None
    start = datetime.combine(day, time(0), tzinfo=business.timezone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=business.timezone)
    found = await state.journal.records.appointments_between(business.id, start, end)
    today = state.deps.clock().astimezone(business.timezone).date()
    return {
        "date": day.isoformat(),
        "appointments": [
            {
                **appointment_out(a, business, today).model_dump(),
                "phone": a.customer_phone,
                "calendar_synced": a.calendar_synced,
            }
            for a in found
        ],
    }


@get("/operator/calls/{call_id:str}")
async def call_trace(request: Request[Any, Any, Any], call_id: FromPath[str]) -> dict[str, Any]:
    state = _authorized(request)
    trace = await state.journal.records.call_trace(call_id)
    if trace.get("call") is None and not trace.get("tool_calls"):
        raise NotFoundException(f"no call {call_id}")
    return trace


@post("/operator/appointments/{appointment_id:str}/resync", status_code=202)
async def resync(
    request: Request[Any, Any, Any], appointment_id: FromPath[str]
) -> Response[dict[str, str]]:
    state = _authorized(request)
    store = state.deps.store
    if await store.get(appointment_id) is None:
        raise NotFoundException(f"no appointment {appointment_id}")
    await store.mark_unsynced(appointment_id)
    return Response({"status": "queued for the reconciler"}, status_code=202)
