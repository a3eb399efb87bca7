"""An appointment: its details, its history, the call that made or changed it with its tool
calls; and the operator's actions on it (cancel, with a confirmation step; resync)."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from agent_tools.change_appointment import withdraw
from agent_tools.errors import CalendarUnavailable
from agent_tools.ports import Appointment
from app.console import queries
from app.console.pages import identifier, page, pool_of, seen_business
from app.db.history import OPERATOR, acting_as
from app.guards import Frontdesk
from app.state import AppState

log = structlog.get_logger("frontdesk.console")


async def _appointment(
    request: Request[Any, Any, Any], frontdesk: AppState, appointment_id: str
) -> Appointment:
    business = seen_business(request, frontdesk)
    found = await frontdesk.deps.store.get(identifier(appointment_id))
    if found is None or found.business_id != business.id:
        raise NotFoundException()
    return found


@get("/appointments/{appointment_id:str}")
async def appointment(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, appointment_id: FromPath[str]
) -> Template:
    found = await _appointment(request, frontdesk, appointment_id)
    return await _page(request, frontdesk, found, confirming=False, error=None)


async def _page(
    request: Request[Any, Any, Any],
    frontdesk: AppState,
    found: Appointment,
    *,
    confirming: bool,
    error: str | None,
    status_code: int = 200,
) -> Template:
    call_id = await queries.appointment_call(pool_of(frontdesk), found.appointment_id)
    trace = await frontdesk.journal.records.call_trace(call_id) if call_id else None
    member = frontdesk.deps.business.member(found.staff_id)
    return page(
        request,
        frontdesk,
        "appointment",
        status_code=status_code,
        here="day",
        a=found,
        member=member.name if member and not member.implicit else None,
        history=await frontdesk.operator_records.history(found.appointment_id),
        call_id=call_id,
        trace=trace,
        confirming=confirming,
        error=error,
    )


@get("/appointments/{appointment_id:str}/cancel")
async def confirm_cancel(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, appointment_id: FromPath[str]
) -> Template:
    found = await _appointment(request, frontdesk, appointment_id)
    return await _page(request, frontdesk, found, confirming=True, error=None)


@post("/appointments/{appointment_id:str}/cancel", status_code=303)
async def cancel(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, appointment_id: FromPath[str]
) -> Redirect | Template:
    """Through the callers' cancel path: the calendar event goes, then the row, recorded in
    the history as the operator's."""
    found = await _appointment(request, frontdesk, appointment_id)
    if found.status == "cancelled":
        return Redirect(f"/console/appointments/{found.appointment_id}", status_code=303)
    try:
        async with acting_as(pool_of(frontdesk), OPERATOR) as recorded:
            await withdraw(found, "cancelled by an operator", frontdesk.deps, recorded)
    except CalendarUnavailable:
        error = "The calendar could not be reached, so it is not cancelled yet. Try again."
        return await _page(request, frontdesk, found, confirming=True, error=error, status_code=503)
    log.info("console.cancelled", appointment_id=found.appointment_id)
    return Redirect(f"/console/appointments/{found.appointment_id}", status_code=303)


@post("/appointments/{appointment_id:str}/resync", status_code=303)
async def resync(
    request: Request[Any, Any, Any], frontdesk: Frontdesk, appointment_id: FromPath[str]
) -> Redirect:
    """Hands the appointment to the reconciler, which makes its calendar match it again."""
    found = await _appointment(request, frontdesk, appointment_id)
    await frontdesk.deps.store.mark_unsynced(found.appointment_id)
    await frontdesk.operator_records.note(
        found.appointment_id, "resync", OPERATOR, "asked from the console"
    )
    return Redirect(f"/console/appointments/{found.appointment_id}", status_code=303)
