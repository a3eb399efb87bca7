"""book_appointment: reserve a slot, write it to the calendar, confirm it.

The order keeps the owner's calendar honest (docs/booking.md): Postgres reserves the slot first
(it refuses overlaps atomically, and a repeated intent gets the first reservation back); the
calendar event comes second, with an id derived from the appointment so a retry can never make a
second one; only then is the appointment confirmed. If the calendar write fails the reservation
is released and the caller hears that nothing was booked; a crash anywhere leaves a pending row
that the reconciler releases (and whose event it deletes).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent_tools import speech
from agent_tools.arguments import TimeText
from agent_tools.availability import utc_seconds
from agent_tools.business import Service
from agent_tools.errors import (
    CalendarUnavailable,
    InProgress,
    InvalidArguments,
    OutsideHours,
    SlotTaken,
    TooFarAhead,
    ToolError,
    TooSoon,
)
from agent_tools.offers import Search, choose_service, open_search, parse_slot_id
from agent_tools.ownership import normalize_phone
from agent_tools.ports import Appointment, Booking, CallContext, Deps, SlotConflictError
from agent_tools.views import AppointmentOut, appointment_out
from agent_tools.when import resolve_start
from calendar_adapter.protocol import CalendarUnavailableError, NewEvent

# How long a repeated request waits for the first one's booking to settle.
SETTLE_WAIT_SECONDS = 5.0


class BookAppointmentArgs(BaseModel):
    """Book one of the times find_slots offered, after confirming the caller's name."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    slot_id: TimeText | None = Field(
        default=None, max_length=100, description="The slot_id of an offered slot (preferred)."
    )
    start: TimeText | None = Field(
        default=None,
        max_length=64,
        description="Or the exact start: ISO 8601 local time (2027-03-15T14:00) or the "
        "caller's words naming one time ('tomorrow at 2:30 PM').",
    )
    service: str | None = Field(default=None, max_length=100, description="The service by name.")
    name: str = Field(min_length=1, max_length=100, description="The caller's full name.")
    phone: str | None = Field(
        default=None, max_length=32, description="Callback number. Default: the caller's number."
    )
    email: str | None = Field(default=None, max_length=254, description="Optional email.")
    notes: str | None = Field(default=None, max_length=500, description="Optional notes.")

    @model_validator(mode="after")
    def _needs_a_time(self) -> BookAppointmentArgs:
        if not self.slot_id and not self.start:
            raise ValueError("give slot_id or start")
        return self


class BookAppointmentReply(BaseModel):
    ok: bool = True
    message: str
    appointment: AppointmentOut


async def book_appointment(
    args: BookAppointmentArgs, call: CallContext, deps: Deps
) -> BookAppointmentReply:
    business = deps.business
    service, start = _requested(args, call, deps)
    phone = normalize_phone(args.phone or call.from_number)
    if phone is None and not args.email:
        raise InvalidArguments("What's the best phone number to reach you at?", field="phone")
    now = deps.clock()
    search = await open_search(deps, service, now, around=start)
    if not search.offers_start(start):
        raise refusal(await open_search(deps, service, now), start)

    appointment_id = new_appointment_id()
    end = start + service.duration
    booking = Booking(
        appointment_id=appointment_id,
        business_id=business.id,
        calendar_id=business.calendar_id,
        service=service.name,
        start=start,
        end=end,
        blocked_start=start - service.buffer_before,
        blocked_end=end + service.buffer_after,
        customer_name=args.name,
        customer_phone=phone,
        customer_email=args.email,
        notes=args.notes,
        call_id=call.call_id,
        calendar_event_id=calendar_event_id(appointment_id),
        intent_key=intent_key(business.id, call.call_id, service, start),
    )
    try:
        reservation = await deps.store.reserve(booking)
    except SlotConflictError:
        raise refusal(await open_search(deps, service, deps.clock()), start) from None

    if reservation.outcome == "existing":
        appointment = await _settled(deps, reservation.appointment)
    else:
        appointment = await _write_to_calendar(deps, booking, service)
    return _reply(appointment, search)


async def _write_to_calendar(deps: Deps, booking: Booking, service: Service) -> Appointment:
    event = calendar_event(
        booking.appointment_id,
        event_id=booking.calendar_event_id,
        service=service.name,
        customer=booking.customer_name,
        start=booking.start,
        end=booking.end,
    )
    try:
        await deps.calendar.create_event(deps.business.calendar_id, event)
    except CalendarUnavailableError:
        # The write may have landed before the failure: the reconciler deletes it if so.
        await deps.store.release(
            booking.appointment_id, "calendar_unavailable", calendar_clean=False
        )
        raise _not_booked() from None
    confirmed = await deps.store.confirm(booking.appointment_id)
    if confirmed is None:  # released meanwhile (abandoned past its grace): undo the event
        await deps.calendar.delete_event(deps.business.calendar_id, event.event_id)
        raise _not_booked()
    return confirmed


async def _settled(deps: Deps, appointment: Appointment) -> Appointment:
    """The same intent was reserved by an earlier request: wait for it to finish."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_WAIT_SECONDS
    current: Appointment | None = appointment
    while current is not None and current.status == "pending" and loop.time() < deadline:
        await asyncio.sleep(0.05)
        current = await deps.store.get(appointment.appointment_id)
    if current is None or current.status == "cancelled":
        raise _not_booked()
    if current.status == "pending":
        raise InProgress("I'm still confirming that booking. One moment, please.")
    return current


def _not_booked() -> CalendarUnavailable:
    return CalendarUnavailable(
        "I couldn't reach the calendar to confirm that booking, so it is not booked yet. "
        "Shall I try again?"
    )


def _requested(
    args: BookAppointmentArgs, call: CallContext, deps: Deps
) -> tuple[Service, datetime]:
    business = deps.business
    if args.slot_id:
        service, start = parse_slot_id(args.slot_id, business)
        if args.service and business.service(args.service) != service:
            raise InvalidArguments(
                f"That time was offered for {service.name}. Which service would you like?",
                field="service",
            )
        return service, start
    start = resolve_start(args.start or "", call.started_at or deps.clock(), business)
    return choose_service(business, args.service), start


def refusal(search: Search, start: datetime) -> ToolError:
    """Why ``start`` cannot be booked, with the nearest times that can."""
    at = utc_seconds(start)
    rules = search.business.rules
    if at < search.not_before:
        minutes = int(rules.min_notice.total_seconds() // 60)
        earliest = search.nearest(search.not_before, 2)
        return TooSoon(
            f"I need at least {minutes} minutes' notice. The earliest I have is "
            f"{search.say(earliest)}.",
            alternatives=[o.model_dump() for o in search.offers(earliest)],
        )
    if at >= search.horizon:
        return TooFarAhead(
            f"I can only book up to {rules.max_days_ahead} days ahead. "
            "Would a date before then work?"
        )
    nearby = search.nearest(at)
    alternatives = [o.model_dump() for o in search.offers(nearby)]
    unbusy = Search(search.business, search.service, search.now, busy=[])
    if not unbusy.offers_start(start):
        return OutsideHours(
            "We're not open for that time"
            + (f"; the nearest openings are {search.say(nearby)}." if nearby else "."),
            alternatives=alternatives,
        )
    return SlotTaken(
        "Sorry, that time was just taken."
        + (f" I can offer {search.say(nearby)}." if nearby else ""),
        alternatives=alternatives,
    )


def _reply(appointment: Appointment, search: Search) -> BookAppointmentReply:
    shown = appointment_out(appointment, search.business, search.today)
    return BookAppointmentReply(
        message=f"You're booked for {appointment.service} {speech.on(shown.spoken)}.",
        appointment=shown,
    )


def calendar_event(
    appointment_id: str,
    *,
    event_id: str,
    service: str,
    customer: str,
    start: datetime,
    end: datetime,
) -> NewEvent:
    """The owner's calendar entry for an appointment (the reconciler re-creates the same)."""
    return NewEvent(
        event_id=event_id,
        start=start,
        end=end,
        summary=f"{service}: {customer}",
        description=f"Booked by phone. Appointment {appointment_id}.",
        appointment_id=appointment_id,
    )


def new_appointment_id() -> str:
    """80 random bits, lowercase so an LLM reads it back without case slips."""
    return "apt_" + base64.b32encode(secrets.token_bytes(10)).decode().lower()


def calendar_event_id(appointment_id: str) -> str:
    """Google's event ids allow base32hex (a-v, 0-9); derived, so retries reuse it."""
    digest = hashlib.sha256(appointment_id.encode()).digest()[:20]
    return "fd" + base64.b32hexencode(digest).decode().lower().rstrip("=")


def intent_key(
    business_id: str, call_id: str | None, service: Service, start: datetime
) -> str | None:
    """One booking per call, service and start: a caller re-sending the same booking after an
    interruption gets the first one back. Without a call id there is no intent to match."""
    if not call_id:
        return None
    material = f"{business_id}|{call_id}|{service.key}|{utc_seconds(start)}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]
