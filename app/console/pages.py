"""The console's pages: the day (a column per person), an appointment with its history and the
call that made it, and cancelling one (with a confirmation step). Times are the business's."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from agent_tools.ports import Appointment, AppointmentStore
from app.console import records
from app.console.auth import Form, Served, Session, check_csrf
from app.console.columns import columns
from app.console.session import EVERY_BUSINESS
from app.console.views import long_day, row, when_written
from app.db.history import OPERATOR, acting_as
from app.guards import Frontdesk
from app.routes.operator import operator_day
from app.state import AppState
from app.tenants.registry import Tenant
from calendar_adapter.protocol import CalendarUnavailableError


@get("/")
async def day_page(
    frontdesk: Frontdesk, session: Session, tenant: Served, date: FromQuery[str] = ""
) -> Template:
    business = tenant.deps.business
    day = operator_day(date) if date else business.today(tenant.deps.clock())
    start = datetime.combine(day, time(0), tzinfo=business.timezone)
    found = await tenant.journal.records.appointments_between(
        business.id, start, start + timedelta(days=1)
    )
    return Template(
        "day.html",
        context={
            "businesses": [t.business for t in frontdesk.tenants]
            if session.scope == EVERY_BUSINESS and len(frontdesk.tenants) > 1
            else [],
            "business": business,
            "session": session,
            "day": day,
            "title": long_day(day),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "columns": [
                {"title": c.title, "rows": [row(a, business) for a in c.appointments]}
                for c in columns(business, found)
            ],
        },
    )


@get("/week")
async def week_page(
    frontdesk: Frontdesk, session: Session, tenant: Served, date: FromQuery[str] = ""
) -> Template:
    """Monday to Sunday of the week holding ``date`` (default this week), a day per row."""
    business = tenant.deps.business
    anchor = operator_day(date) if date else business.today(tenant.deps.clock())
    monday = anchor - timedelta(days=anchor.weekday())
    start = datetime.combine(monday, time(0), tzinfo=business.timezone)
    found = await tenant.journal.records.appointments_between(
        business.id, start, start + timedelta(days=7)
    )
    days = [
        {
            "day": monday + timedelta(days=n),
            "title": long_day(monday + timedelta(days=n)),
            "rows": [
                row(a, business)
                for a in sorted(found, key=lambda a: a.start)
                if a.start.astimezone(business.timezone).date() == monday + timedelta(days=n)
            ],
        }
        for n in range(7)
    ]
    return Template(
        "week.html",
        context={
            "business": business,
            "session": session,
            "title": f"Week of {long_day(monday)}",
            "days": days,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
        },
    )


@get("/appointments/{appointment_id:str}")
async def appointment_page(
    frontdesk: Frontdesk, session: Session, tenant: Served, appointment_id: FromPath[str]
) -> Template:
    appointment = await _appointment(tenant, appointment_id)
    business = tenant.deps.business
    trace: dict[str, Any] = {}
    if appointment.call_id:
        trace = await tenant.journal.records.call_trace(business.id, appointment.call_id)
        trace["tool_calls"] = await records.tool_calls(
            frontdesk.operator_records, business.id, appointment.call_id
        )
    return Template(
        "appointment.html",
        context={
            "business": business,
            "session": session,
            "appointment": row(appointment, business),
            "day": appointment.start.astimezone(business.timezone).date(),
            "when": long_day(appointment.start.astimezone(business.timezone).date()),
            "history": [
                {**h, "when": when_written(h.get("at"), business)}
                for h in await frontdesk.operator_records.history(appointment.appointment_id)
            ],
            "call": trace.get("call"),
            "call_id": appointment.call_id,
            "tool_calls": trace.get("tool_calls", []),
        },
    )


@get("/appointments/{appointment_id:str}/cancel")
async def cancel_page(
    frontdesk: Frontdesk, session: Session, tenant: Served, appointment_id: FromPath[str]
) -> Template:
    appointment = await _appointment(tenant, appointment_id)
    business = tenant.deps.business
    return Template(
        "cancel.html",
        context={
            "business": business,
            "session": session,
            "appointment": row(appointment, business),
            "when": long_day(appointment.start.astimezone(business.timezone).date()),
        },
    )


@post("/appointments/{appointment_id:str}/cancel", status_code=303)
async def cancel(
    frontdesk: Frontdesk,
    session: Session,
    tenant: Served,
    appointment_id: FromPath[str],
    data: Form,
) -> Redirect:
    check_csrf(session, data)
    appointment = await _appointment(tenant, appointment_id)
    if appointment.status == "booked":
        await _cancel(frontdesk, tenant, appointment)
    return Redirect(f"/console/appointments/{appointment.appointment_id}", status_code=303)


@post("/appointments/{appointment_id:str}/resync", status_code=303)
async def resync(
    frontdesk: Frontdesk,
    session: Session,
    tenant: Served,
    appointment_id: FromPath[str],
    data: Form,
) -> Redirect:
    """Hand the appointment to the reconciler, which makes the calendar match it again."""
    check_csrf(session, data)
    appointment = await _appointment(tenant, appointment_id)
    await tenant.deps.store.mark_unsynced(appointment.appointment_id)
    await frontdesk.operator_records.note(
        appointment.appointment_id, "resync", OPERATOR, "asked in the console"
    )
    return Redirect(f"/console/appointments/{appointment.appointment_id}", status_code=303)


async def _cancel(frontdesk: AppState, tenant: Tenant, appointment: Appointment) -> None:
    """As a caller's cancellation (the row marked out of step, the event deleted, then the row
    cancelled), recorded in its history as the operator's."""
    deps = tenant.deps
    await deps.store.mark_unsynced(appointment.appointment_id)
    try:
        await deps.calendar.delete_event(
            appointment.calendar_id, appointment.calendar_event_id or ""
        )
        clean = True
    except CalendarUnavailableError:
        clean = False  # the reconciler deletes the event once the calendar answers
    if frontdesk.pool is None:
        await _cancelled(deps.store, appointment, clean)
        return
    async with acting_as(frontdesk.pool, OPERATOR) as store:
        await _cancelled(store, appointment, clean)


async def _cancelled(store: AppointmentStore, appointment: Appointment, clean: bool) -> None:
    await store.cancel(appointment.appointment_id, "cancelled in the console", calendar_clean=clean)


async def _appointment(tenant: Tenant, appointment_id: str) -> Appointment:
    found = await tenant.deps.store.get(appointment_id[:128])
    if found is None or found.business_id != tenant.deps.business.id:
        raise NotFoundException("no such appointment")
    return found
