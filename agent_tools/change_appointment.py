"""reschedule_appointment and cancel_appointment: change an appointment the caller owns.

Both keep Postgres as the record and bring the calendar along: the row is marked out of step
with the calendar before the calendar is touched, so a crash in between leaves the reconciler
a row to converge rather than a silent mismatch.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent_tools import speech
from agent_tools.arguments import PHONE_HELP, Email, FreeText, Phone, TimeText
from agent_tools.business import Business, Service
from agent_tools.busy import open_search
from agent_tools.calendar_event import calendar_event
from agent_tools.errors import CalendarUnavailable, InvalidArguments
from agent_tools.last_look import free_spots
from agent_tools.offers import choose_staff, parse_slot_id, refusal
from agent_tools.ownership import not_found, owner_of
from agent_tools.ports import Appointment, CallContext, Deps, Placement, SlotConflictError
from agent_tools.search import Spot
from agent_tools.staff import StaffMember, says_anyone
from agent_tools.staffing import fairest_spots
from agent_tools.views import AppointmentOut, appointment_out
from agent_tools.when import resolve_start
from calendar_adapter.protocol import CalendarUnavailableError


class _Identified(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    appointment_id: str = Field(
        min_length=1, max_length=64, description="From find_appointments or the booking."
    )
    name: FreeText | None = Field(
        default=None, max_length=100, description="Name booked under (if not calling from it)."
    )
    phone: Phone | None = Field(default=None, description=f"Phone booked under. {PHONE_HELP}")
    email: Email | None = Field(default=None, description="Or email booked under.")


class RescheduleAppointmentArgs(_Identified):
    """Move the caller's appointment to another offered time (find_slots first)."""

    slot_id: TimeText | None = Field(
        default=None, max_length=100, description="An offered slot_id."
    )
    start: TimeText | None = Field(
        default=None, max_length=64, description="Or the exact new start (ISO 8601 or words)."
    )
    staff: FreeText | None = Field(
        default=None,
        max_length=100,
        description="With start only: another person ('anyone' allowed). Default: the same one.",
    )

    @model_validator(mode="after")
    def _needs_a_time(self) -> RescheduleAppointmentArgs:
        if not self.slot_id and not self.start:
            raise ValueError("give slot_id or start")
        return self


class CancelAppointmentArgs(_Identified):
    """Cancel the caller's appointment, after they confirm which one."""

    reason: FreeText | None = Field(default=None, max_length=300, description="Why, if they said.")


class ChangeReply(BaseModel):
    ok: bool = True
    message: str
    appointment: AppointmentOut


async def _owned(args: _Identified, call: CallContext, deps: Deps) -> Appointment:
    owner = owner_of(call, phone=args.phone, email=args.email, name=args.name)
    found = await deps.store.find_owned(
        deps.business.id, owner, after=deps.clock(), appointment_id=args.appointment_id.strip()
    )
    if not found:
        raise not_found(owner)
    return found[0]


async def reschedule_appointment(
    args: RescheduleAppointmentArgs, call: CallContext, deps: Deps
) -> ChangeReply:
    business = deps.business
    current = await _owned(args, call, deps)
    service = business.booked_service(current.service, current.end - current.start)
    start, named = _new_start(args, call, deps, service, current)
    now = deps.clock()
    old = appointment_out(current, business, business.today(now))
    keeps_person = named is None or named.calendar_id == current.calendar_id
    if start == current.start and keeps_person:
        return ChangeReply(
            message=f"Your {current.service} is already {speech.on(old.spoken)}.", appointment=old
        )
    search = await open_search(deps, service, now, moving=current, named=named)
    spots, search = await free_spots(deps, search, start, moving=current)
    if not spots:
        raise refusal(search, start)

    end = start + service.duration
    blocked = service.blocked(start, end)
    try:
        moved = await _move_to_first_free(
            deps,
            current,
            (start, end),
            blocked,
            await fairest_spots(deps, start, spots, current.staff_id),
        )
    except SlotConflictError:
        raise refusal(
            await open_search(deps, service, deps.clock(), moving=current, named=named), start
        ) from None
    if moved is None:
        raise not_found(owner_of(call, phone=args.phone, email=args.email, name=args.name))
    try:
        await _move_event(deps, current, moved)
    except CalendarUnavailableError:
        restored = await _restore(deps, current)
        if restored:
            raise CalendarUnavailable(
                "I couldn't reach the calendar, so I haven't moved it: your appointment is "
                f"still {speech.on(old.spoken)}. Shall I try again?"
            ) from None
    else:
        await deps.store.mark_synced(moved)
    shown = appointment_out(moved, business, business.today(now))
    return ChangeReply(
        message=f"Done: your {moved.service} is moved to {shown.spoken}.",
        appointment=shown,
    )


async def _move_to_first_free(
    deps: Deps,
    current: Appointment,
    times: tuple[datetime, datetime],
    blocked: tuple[datetime, datetime],
    spots: list[Spot],
) -> Appointment | None:
    """Move to the first person (and room unit) Postgres accepts (None: the appointment is
    no longer booked); :class:`SlotConflictError` when every one was taken meanwhile."""
    for spot in spots:
        place = Placement(
            spot.member.calendar_id,
            None if spot.member.implicit else spot.member.id,
            spot.room_unit,
        )
        try:
            return await deps.store.move(
                current.appointment_id, *times, blocked, calendar_clean=False, place=place
            )
        except SlotConflictError:
            continue
    raise SlotConflictError


async def _move_event(deps: Deps, before: Appointment, after: Appointment) -> None:
    """Bring the calendar along: move the event, or, when the person changed, make it in the
    new person's calendar (the id is derived, so a repeat is harmless) and then remove it from
    the old one's."""
    event_id = after.calendar_event_id or ""
    if after.calendar_id != before.calendar_id:
        zone = deps.business.timezone
        await deps.calendar.create_event(after.calendar_id, calendar_event(after, event_id, zone))
        await deps.calendar.delete_event(before.calendar_id, event_id)
        return
    try:
        await deps.calendar.move_event(after.calendar_id, event_id, after.start, after.end)
    except LookupError:
        # Deleted by hand meanwhile: the appointment still stands, so its event comes back
        # when the reconciler converges the calendar on the (unsynced) row.
        return


async def _restore(deps: Deps, previous: Appointment) -> bool:
    """Put the appointment back at its old time, if nobody took that time meanwhile."""
    service = deps.business.booked_service(previous.service, previous.end - previous.start)
    try:
        await deps.store.move(
            previous.appointment_id,
            previous.start,
            previous.end,
            service.blocked(previous.start, previous.end),
            calendar_clean=False,
            place=Placement(previous.calendar_id, previous.staff_id, previous.room_unit),
        )
    except SlotConflictError:
        return False  # the new time stays; the reconciler brings the calendar along
    return True


async def cancel_appointment(
    args: CancelAppointmentArgs, call: CallContext, deps: Deps
) -> ChangeReply:
    business = deps.business
    current = await _owned(args, call, deps)
    today = business.today(deps.clock())
    await deps.store.mark_unsynced(current.appointment_id)
    try:
        await deps.calendar.delete_event(current.calendar_id, current.calendar_event_id or "")
    except CalendarUnavailableError:
        raise CalendarUnavailable(
            "I couldn't reach the calendar, so your appointment is not cancelled yet. "
            "Shall I try again?"
        ) from None
    cancelled = await deps.store.cancel(
        current.appointment_id, args.reason or "cancelled by caller", calendar_clean=True
    )
    shown = appointment_out(cancelled or current, business, today)
    return ChangeReply(
        message=f"Your {current.service} {speech.on(shown.spoken)} is cancelled.", appointment=shown
    )


def _new_start(
    args: RescheduleAppointmentArgs,
    call: CallContext,
    deps: Deps,
    service: Service,
    current: Appointment,
) -> tuple[datetime, StaffMember | None]:
    """The new start and the person to see then: the slot's person, else the one asked for
    ("anyone": None), else the appointment's own person."""
    business = deps.business
    if args.slot_id:
        slot = parse_slot_id(args.slot_id, business)
        if slot.service != service:
            raise InvalidArguments(
                f"That time was offered for {slot.service.name}, but this appointment is a "
                f"{service.name}. Let me look up times for {service.name}.",
                field="slot_id",
            )
        start, asked = slot.start, slot.member
        if asked is None and args.staff is None:
            return start, _same_person(business, current)
        return start, asked
    start = resolve_start(args.start or "", call.started_at or deps.clock(), business)
    if args.staff is None:
        return start, _same_person(business, current)
    if says_anyone(args.staff):
        return start, None
    return start, choose_staff(business, service, args.staff)


def _same_person(business: Business, current: Appointment) -> StaffMember | None:
    member = business.member(current.staff_id)
    return None if member is None or member.implicit else member
