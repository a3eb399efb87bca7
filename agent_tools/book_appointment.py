"""book_appointment: reserve a slot, write it to the calendar, confirm it.

Order matters for the owner's calendar (see docs/booking.md): the database reservation comes
first, because Postgres refuses overlaps atomically; the calendar event comes second with an id
derived from the appointment, so retrying it can never make a second event; only then is the
appointment confirmed. If the calendar write fails the reservation is released and the caller
is told the truth.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent_tools import speech
from agent_tools.availability import utc_seconds
from agent_tools.business import Service
from agent_tools.errors import (
    CalendarUnavailable,
    InvalidArguments,
    OutsideHours,
    SlotTaken,
    TooFarAhead,
    ToolError,
    TooSoon,
)
from agent_tools.offers import Search, choose_service, open_search, parse_slot_id
from agent_tools.ports import Appointment, Booking, CallContext, Deps, SlotConflictError
from agent_tools.when import resolve_start
from calendar_adapter.protocol import CalendarUnavailableError, NewEvent


class BookAppointmentArgs(BaseModel):
    """Book one of the times find_slots offered, after confirming the caller's name."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    slot_id: str | None = Field(
        default=None, max_length=100, description="The slot_id of an offered slot (preferred)."
    )
    start: str | None = Field(
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


class AppointmentOut(BaseModel):
    appointment_id: str
    start: str
    end: str
    service: str
    name: str
    status: str
    spoken: str


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
        raise _refusal(await open_search(deps, service, now), start)

    end = start + service.duration
    appointment_id = new_appointment_id()
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
    )
    try:
        await deps.store.reserve(booking)
    except SlotConflictError:
        raise _taken(await open_search(deps, service, deps.clock()), start) from None

    event = NewEvent(
        event_id=calendar_event_id(appointment_id),
        start=start,
        end=end,
        summary=f"{service.name}: {args.name}",
        description=f"Booked by phone. Appointment {appointment_id}.",
        appointment_id=appointment_id,
    )
    try:
        await deps.calendar.create_event(business.calendar_id, event)
    except CalendarUnavailableError:
        await deps.store.release(appointment_id, "calendar_unavailable")
        raise CalendarUnavailable(
            "I couldn't reach the calendar to confirm that booking, so it is not booked yet. "
            "Shall I try again?"
        ) from None
    appointment = await deps.store.confirm(appointment_id, event.event_id)
    return _reply(appointment, search)


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


def _refusal(search: Search, start: datetime) -> ToolError:
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
    unbusy = Search(search.business, search.service, search.now, busy=[])
    if not unbusy.offers_start(start):
        nearby = search.nearest(at)
        return OutsideHours(
            "We're not open for that time"
            + (f"; the nearest openings are {search.say(nearby)}." if nearby else "."),
            alternatives=[o.model_dump() for o in search.offers(nearby)],
        )
    return _taken(search, start)


def _taken(search: Search, start: datetime) -> SlotTaken:
    nearby = search.nearest(utc_seconds(start))
    return SlotTaken(
        "Sorry, that time was just taken."
        + (f" I can offer {search.say(nearby)}." if nearby else ""),
        alternatives=[o.model_dump() for o in search.offers(nearby)],
    )


def _reply(appointment: Appointment, search: Search) -> BookAppointmentReply:
    zone = search.business.timezone
    start = appointment.start.astimezone(zone)
    spoken = speech.moment(start, search.today)
    return BookAppointmentReply(
        message=f"You're booked for {appointment.service} {spoken}.",
        appointment=AppointmentOut(
            appointment_id=appointment.appointment_id,
            start=start.isoformat(),
            end=appointment.end.astimezone(zone).isoformat(),
            service=appointment.service,
            name=appointment.customer_name,
            status=appointment.status,
            spoken=spoken,
        ),
    )


def new_appointment_id() -> str:
    """80 random bits, lowercase so an LLM reads it back without case slips."""
    return "apt_" + base64.b32encode(secrets.token_bytes(10)).decode().lower()


def calendar_event_id(appointment_id: str) -> str:
    """Google's event ids allow base32hex (a-v, 0-9); derived, so retries reuse it."""
    digest = hashlib.sha256(appointment_id.encode()).digest()[:20]
    return "fd" + base64.b32hexencode(digest).decode().lower().rstrip("=")


def normalize_phone(value: str | None) -> str | None:
    """E.164-like: keep a leading + and the digits; None when it cannot be a phone number."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if not 7 <= len(digits) <= 15:
        return None
    return ("+" if value.strip().startswith("+") else "") + digits
