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
from dataclasses import replace
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent_tools import speech
from agent_tools.appointment_ids import calendar_event_id, intent_key, new_appointment_id
from agent_tools.arguments import PHONE_HELP, Email, FreeText, Phone, TimeText
from agent_tools.business import BookingRules, Business, Service
from agent_tools.busy import open_search
from agent_tools.calendar_event import calendar_event
from agent_tools.errors import (
    BookingLimit,
    CalendarUnavailable,
    InvalidArguments,
)
from agent_tools.last_look import free_spots
from agent_tools.offers import choose_service, choose_staff, parse_slot_id, refusal
from agent_tools.ports import (
    Appointment,
    Booking,
    BookingLimitError,
    CallContext,
    Deps,
    Reservation,
    SlotConflictError,
)
from agent_tools.search import Spot
from agent_tools.staff import StaffMember
from agent_tools.staffing import fairest_spots
from agent_tools.views import AppointmentOut, appointment_out
from agent_tools.when import resolve_start
from calendar_adapter.protocol import CalendarUnavailableError

# How long a repeated request waits for the first one's booking to settle before finishing it.
SETTLE_WAIT_SECONDS = 5.0
SETTLE_POLL_SECONDS = 0.05


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
    service: FreeText | None = Field(
        default=None, max_length=100, description="The service by name."
    )
    name: FreeText = Field(min_length=1, max_length=100, description="The caller's full name.")
    phone: Phone | None = Field(
        default=None, description=f"Callback number. Default: the caller's number. {PHONE_HELP}"
    )
    email: Email | None = Field(
        default=None, description="Optional email (confirmations go there)."
    )
    notes: FreeText | None = Field(default=None, max_length=500, description="Optional notes.")
    staff: FreeText | None = Field(
        default=None,
        max_length=100,
        description="With start only: the person asked for (a slot_id already says whose it is).",
    )

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
    service, start, named = _requested(args, call, deps)
    key = intent_key(business.id, call.call_id, service, start)
    # The same call asking again for the slot it already holds gets that booking, before any
    # check its own reservation would fail (Postgres answers a reservation of a held intent
    # with the one it holds, so only a refusal needs to ask).
    now = deps.clock()
    caller = call.from_number  # E.164, like args.phone: both read where they enter
    phone = args.phone or caller
    if phone is None and not args.email:
        if held := await _held(deps, key, now):
            return held
        raise InvalidArguments("What's the best phone number to reach you at?", field="phone")
    search = await open_search(deps, service, now, named=named)
    spots, search = await free_spots(deps, search, start)
    if not spots:
        if held := await _held(deps, key, now):  # by this call, or a duplicate just now
            return held
        raise refusal(search, start)

    appointment_id = new_appointment_id()
    end = start + service.duration
    blocked_start, blocked_end = service.blocked(start, end)
    booking = Booking(
        appointment_id=appointment_id,
        business_id=business.id,
        calendar_id=business.calendar_id,
        service=service.name,
        start=start,
        end=end,
        blocked_start=blocked_start,
        blocked_end=blocked_end,
        customer_name=args.name,
        customer_phone=phone,
        customer_email=args.email,
        notes=args.notes,
        call_id=call.call_id,
        calendar_event_id=calendar_event_id(appointment_id),
        intent_key=key,
        caller_phone=caller,
        zone=business.timezone.key,
        max_per_call=business.rules.max_per_call,
        max_per_phone_per_day=business.rules.max_per_phone_per_day,
    )
    try:
        reservation = await _reserve_first_free(
            deps, booking, await fairest_spots(deps, start, spots)
        )
    except SlotConflictError:
        raise refusal(await open_search(deps, service, deps.clock(), named=named), start) from None
    except BookingLimitError as error:
        raise _limit(error.kind, business.rules) from None

    if reservation.outcome == "existing":
        appointment = await _settled(deps, reservation.appointment)
    else:
        appointment = await _write_to_calendar(deps, reservation.appointment)
    return _reply(appointment, business, now)


async def _held(deps: Deps, key: str | None, now: datetime) -> BookAppointmentReply | None:
    """The reply for the booking this call already holds for the same service and start,
    once it has settled; None when it holds none."""
    held = await deps.store.by_intent(deps.business.id, key) if key is not None else None
    return None if held is None else _reply(await _settled(deps, held), deps.business, now)


async def _reserve_first_free(deps: Deps, booking: Booking, spots: list[Spot]) -> Reservation:
    """Reserve with the first person (and room unit) in ``spots`` that Postgres accepts: a
    concurrent booking may take one between our read and our write, so the next is tried;
    :class:`SlotConflictError` when none is left."""
    for spot in spots:
        member = spot.member
        try:
            return await deps.store.reserve(
                replace(
                    booking,
                    calendar_id=member.calendar_id,
                    staff_id=None if member.implicit else member.id,
                    room_unit=spot.room_unit,
                    max_per_day_staff=member.max_per_day,
                )
            )
        except SlotConflictError:
            continue
    raise SlotConflictError


async def _write_to_calendar(deps: Deps, appointment: Appointment) -> Appointment:
    """Create the event (its id is derived, so a repeat cannot make a second) and confirm."""
    zone = deps.business.timezone
    event = calendar_event(appointment, appointment.calendar_event_id or "", zone)
    try:
        await deps.calendar.create_event(appointment.calendar_id, event)
    except CalendarUnavailableError:
        # The write may have landed before the failure: the reconciler deletes it if so.
        await deps.store.release(
            appointment.appointment_id, "calendar_unavailable", calendar_clean=False
        )
        raise _not_booked() from None
    confirmed = await deps.store.confirm(appointment.appointment_id)
    if confirmed is None:  # released meanwhile (abandoned past its grace): undo the event
        await deps.calendar.delete_event(appointment.calendar_id, event.event_id)
        raise _not_booked()
    return confirmed


async def _settled(deps: Deps, appointment: Appointment) -> Appointment:
    """The same intent was reserved by an earlier request: wait for it to finish. If it is
    still pending after the wait, its holder is gone or stuck: finish the booking here (the
    derived event id makes a second write of the event harmless)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_WAIT_SECONDS
    current: Appointment | None = appointment
    while current is not None and current.status == "pending" and loop.time() < deadline:
        await asyncio.sleep(SETTLE_POLL_SECONDS)
        current = await deps.store.get(appointment.appointment_id)
    if current is None or current.status == "cancelled":
        raise _not_booked()
    if current.status == "pending":
        return await _write_to_calendar(deps, current)
    return current


def _limit(kind: str, rules: BookingRules) -> BookingLimit:
    if kind == "call":
        return BookingLimit(
            f"I can book at most {rules.max_per_call} appointments in one call, and this call "
            "has them already. Would you like to change one of them instead?"
        )
    return BookingLimit(
        f"That number already has {rules.max_per_phone_per_day} appointments that day, which "
        "is as many as I can book. Would another day work?"
    )


def _not_booked() -> CalendarUnavailable:
    return CalendarUnavailable(
        "I couldn't reach the calendar to confirm that booking, so it is not booked yet. "
        "Shall I try again?"
    )


def _requested(
    args: BookAppointmentArgs, call: CallContext, deps: Deps
) -> tuple[Service, datetime, StaffMember | None]:
    """The service, the start, and the person asked for (None: anyone qualified)."""
    business = deps.business
    if args.slot_id:
        slot = parse_slot_id(args.slot_id, business)
        if args.service and business.service(args.service) != slot.service:
            raise InvalidArguments(
                f"That time was offered for {slot.service.name}. Which service would you like?",
                field="service",
            )
        return slot.service, slot.start, slot.member
    start = resolve_start(args.start or "", call.started_at or deps.clock(), business)
    service = choose_service(business, args.service)
    return service, start, choose_staff(business, service, args.staff)


def _reply(appointment: Appointment, business: Business, now: datetime) -> BookAppointmentReply:
    shown = appointment_out(appointment, business, business.today(now))
    return BookAppointmentReply(
        message=f"You're booked for {appointment.service} {speech.on(shown.spoken)}.",
        appointment=shown,
    )
