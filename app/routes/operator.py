"""Endpoints for the people running the service, behind ``Authorization: Bearer
$OPERATOR_API_KEY`` (app.guards.operator_only: no or a wrong key is 401; with no key configured
they do not exist, 404).

- ``GET /operator/appointments?date=YYYY-MM-DD``: the day's appointments, every status.
- ``GET /operator/calls/{call_id}``: a call with its tool calls and the appointments it touched.
- ``GET /operator/calls?phone=&date=``: calls from a number and/or on a day (either or both).
- ``GET /operator/appointments/{appointment_id}``: an appointment with its history (booked,
  moved, cancelled; by the caller, staff in Google, or an operator; notes and reasons).
- ``POST /operator/appointments/{appointment_id}/resync``: hand the appointment to the
  reconciler, which makes the calendar match it again (noted in its history).

Each answers about one business (app/routes/operated.py): a business's own key sees only it;
the global key names one with ``?business=<id>`` when several are served. Another business's
appointment or call is not found, exactly like one that does not exist.

Identifiers in paths are checked for shape first: anything that could not be one of ours (NUL,
over 128 characters) is simply not found.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from litestar import Response, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery

from agent_tools.phones import normalise_or_none
from agent_tools.ports import Appointment
from agent_tools.views import appointment_out
from app.db.history import OPERATOR
from app.guards import Frontdesk, operator_only
from app.routes.operated import OPERATED, Operated
from app.tenants.registry import Tenant

_IDENTIFIER = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


def _identifier(value: str, what: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise NotFoundException(f"no {what} {value[:40]!r}")
    return value


def operator_day(raw: str) -> date:
    """A calendar day an operator may ask about: ISO, and not at the calendar's very edges."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValidationException("date: expected YYYY-MM-DD") from None
    if not date(1900, 1, 1) <= day <= date(2199, 12, 31):
        raise ValidationException("date: expected a day between 1900 and 2199")
    return day


async def _owned(tenant: Tenant, appointment_id: str) -> Appointment:
    """The business's appointment, or 404 (another business's is not found either)."""
    found = await tenant.deps.store.get(_identifier(appointment_id, "appointment"))
    if found is None or found.business_id != tenant.id:
        raise NotFoundException(f"no appointment {appointment_id}")
    return found


@get("/operator/appointments", guards=[operator_only], dependencies=OPERATED)
async def day_appointments(tenant: Operated, date: FromQuery[str] = "") -> dict[str, Any]:
    business = tenant.business
    day = operator_day(date)
    start = datetime.combine(day, time(0), tzinfo=business.timezone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=business.timezone)
    found = await tenant.journal.records.appointments_between(business.id, start, end)
    today = business.today(tenant.deps.clock())
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


@get("/operator/calls/{call_id:str}", guards=[operator_only], dependencies=OPERATED)
async def call_trace(tenant: Operated, call_id: FromPath[str]) -> dict[str, Any]:
    trace = await tenant.journal.records.call_trace(tenant.id, _identifier(call_id, "call"))
    if trace.get("call") is None and not trace.get("tool_calls") and not trace.get("appointments"):
        raise NotFoundException(f"no call {call_id}")
    return trace


@post(
    "/operator/appointments/{appointment_id:str}/resync",
    status_code=202,
    guards=[operator_only],
    dependencies=OPERATED,
)
async def resync(
    frontdesk: Frontdesk, tenant: Operated, appointment_id: FromPath[str]
) -> Response[dict[str, str]]:
    await _owned(tenant, appointment_id)
    await tenant.deps.store.mark_unsynced(appointment_id)
    await frontdesk.operator_records.note(
        appointment_id, "resync", OPERATOR, "asked by an operator"
    )
    return Response({"status": "queued for the reconciler"}, status_code=202)


@get("/operator/calls", guards=[operator_only], dependencies=OPERATED)
async def find_calls(
    frontdesk: Frontdesk, tenant: Operated, phone: FromQuery[str] = "", date: FromQuery[str] = ""
) -> dict[str, Any]:
    if not phone and not date:
        raise ValidationException("give phone, date, or both")
    business = tenant.business
    digits = _phone_digits(phone, business.country) if phone else None
    start = end = None
    if date:
        start, end = _local_day(operator_day(date), business.timezone)
    found = await frontdesk.operator_records.find_calls(business.id, digits, start, end)
    return {"phone": digits, "date": date or None, "calls": found}


@get("/operator/appointments/{appointment_id:str}", guards=[operator_only], dependencies=OPERATED)
async def appointment_history(
    frontdesk: Frontdesk, tenant: Operated, appointment_id: FromPath[str]
) -> dict[str, Any]:
    appointment = await _owned(tenant, appointment_id)
    business = tenant.business
    today = business.today(tenant.deps.clock())
    return {
        "appointment": {
            **appointment_out(appointment, business, today).model_dump(),
            "phone": appointment.customer_phone,
            "calendar_synced": appointment.calendar_synced,
        },
        "history": await frontdesk.operator_records.history(appointment_id),
    }


def _phone_digits(raw: str, country: str | None) -> str:
    """The number's E.164 digits (read in the business's country), matched against the end of
    the numbers calling."""
    number = normalise_or_none(raw[:64], country)
    if number is None:
        raise ValidationException("phone: not a phone number")
    return number.e164.lstrip("+")


def _local_day(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(day, time(0), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )
