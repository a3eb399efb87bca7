"""Endpoints for the people running the service, behind ``Authorization: Bearer
$OPERATOR_API_KEY``: no or a wrong key is 401; with no key configured they do not exist (404).

- ``GET /operator/appointments?date=YYYY-MM-DD``: the day's appointments, every status.
- ``GET /operator/calls/{call_id}``: a call with its tool calls and the appointments it touched.
- ``GET /operator/calls?phone=&date=``: calls from a number and/or on a day (either or both).
- ``GET /operator/appointments/{appointment_id}``: an appointment with its history (booked,
  moved, cancelled; by the caller, staff in Google, or an operator; notes and reasons).
- ``POST /operator/appointments/{appointment_id}/resync``: hand the appointment to the
  reconciler, which makes the calendar match it again (noted in its history).
"""

from __future__ import annotations

import hmac
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException, ValidationException
from litestar.params import FromPath

from agent_tools.ownership import normalize_phone
from agent_tools.views import appointment_out
from app.db.history import OPERATOR
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
    await state.operator_records.note(appointment_id, "resync", OPERATOR, "asked by an operator")
    return Response({"status": "queued for the reconciler"}, status_code=202)


@get("/operator/calls")
async def find_calls(request: Request[Any, Any, Any]) -> dict[str, Any]:
    state = _authorized(request)
    business = state.deps.business
    raw_phone = request.query_params.get("phone") or None
    raw_date = request.query_params.get("date") or None
    if raw_phone is None and raw_date is None:
        raise ValidationException("give phone, date, or both")
    normalized = normalize_phone(raw_phone) if raw_phone else None
    if raw_phone and normalized is None:
        raise ValidationException("phone: not a phone number")
    phone = normalized.lstrip("+") if normalized else None  # digits, matched at the end
    start = end = None
    if raw_date is not None:
        start, end = _local_day(raw_date, business.timezone)
    found = await state.operator_records.find_calls(business.id, phone, start, end)
    return {"phone": phone, "date": raw_date, "calls": found}


@get("/operator/appointments/{appointment_id:str}")
async def appointment_history(
    request: Request[Any, Any, Any], appointment_id: FromPath[str]
) -> dict[str, Any]:
    state = _authorized(request)
    appointment = await state.deps.store.get(appointment_id)
    if appointment is None:
        raise NotFoundException(f"no appointment {appointment_id}")
    business = state.deps.business
    today = state.deps.clock().astimezone(business.timezone).date()
    return {
        "appointment": {
            **appointment_out(appointment, business, today).model_dump(),
            "phone": appointment.customer_phone,
            "calendar_synced": appointment.calendar_synced,
        },
        "history": await state.operator_records.history(appointment_id),
    }


def _local_day(raw: str, zone: tzinfo) -> tuple[datetime, datetime]:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValidationException("date: expected YYYY-MM-DD") from None
    return (
        datetime.combine(day, time(0), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )
