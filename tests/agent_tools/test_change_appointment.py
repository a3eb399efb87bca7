"""Finding, moving and cancelling appointments, only by their owners, over real Postgres."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.change_appointment import (
    CancelAppointmentArgs,
    RescheduleAppointmentArgs,
    cancel_appointment,
    reschedule_appointment,
)
from agent_tools.errors import CalendarUnavailable, NotFound, SlotTaken
from agent_tools.find_appointments import FindAppointmentsArgs, find_appointments
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import CalendarUnavailableError

CALLER = CallContext(call_id="call_1", from_number="+14155550123")
STRANGER = CallContext(call_id="call_2", from_number="+14155550999")
WEB = CallContext(call_id="call_3")


async def booked(deps: Deps, start: str = "2027-03-11T09:00", call: CallContext = CALLER) -> str:
    reply = await book_appointment(
        BookAppointmentArgs(
            service="Cleaning", name="Ada Lovelace", start=start, email="ada@example.com"
        ),
        call,
        deps,
    )
    return reply.appointment.appointment_id


class FlakyCalendar(LocalCalendar):
    """The local calendar, with writes that fail like a calendar API timing out."""

    async def move_event(self, *args: object) -> None:
        raise CalendarUnavailableError("timeout")

    async def delete_event(self, calendar_id: str, event_id: str) -> None:
        raise CalendarUnavailableError("timeout")


def flaky(deps: Deps, calendar_path: Path) -> Deps:
    return replace(deps, calendar=FlakyCalendar(calendar_path))


async def test_the_caller_finds_their_upcoming_appointments(deps: Deps) -> None:
    await booked(deps)
    await booked(deps, "2027-03-16T14:00")
    mine = await find_appointments(FindAppointmentsArgs(), CALLER, deps)
    assert [a.start for a in mine.appointments] == [
        "2027-03-11T09:00:00-05:00",
        "2027-03-16T14:00:00-04:00",
    ]
    assert mine.message == (
        "You have 2 appointments: Cleaning tomorrow at 9 AM and "
        "Cleaning on Tuesday, March 16 at 2 PM."
    )
    theirs = await find_appointments(FindAppointmentsArgs(), STRANGER, deps)
    assert theirs.appointments == []
    by_details = await find_appointments(
        FindAppointmentsArgs(name="ada lovelace", email="ADA@example.com"), WEB, deps
    )
    assert len(by_details.appointments) == 2


async def test_rescheduling_moves_the_appointment_and_its_event(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    appointment_id = await booked(deps)
    reply = await reschedule_appointment(
        RescheduleAppointmentArgs(appointment_id=appointment_id, start="2027-03-12T10:00"),
        CALLER,
        deps,
    )
    assert reply.appointment.start == "2027-03-12T10:00:00-05:00"
    assert reply.message == "Done: your Cleaning is moved to Friday, March 12 at 10 AM."
    row = await clean_pool.fetchrow(
        "select calendar_event_id, calendar_synced from appointments where id = $1", appointment_id
    )
    assert row["calendar_synced"] is True
    assert isinstance(deps.calendar, LocalCalendar)
    event = await deps.calendar.event("primary", row["calendar_event_id"])
    assert event is not None
    assert datetime.fromisoformat(event["start"]) == datetime.fromisoformat(
        "2027-03-12T10:00:00-05:00"
    )


async def test_a_move_overlapping_its_own_time_is_allowed(deps: Deps) -> None:
    appointment_id = await booked(deps)
    reply = await reschedule_appointment(
        RescheduleAppointmentArgs(appointment_id=appointment_id, start="2027-03-11T09:30"),
        CALLER,
        deps,
    )
    assert reply.appointment.start == "2027-03-11T09:30:00-05:00"


async def test_a_taken_target_keeps_the_old_time(deps: Deps) -> None:
    appointment_id = await booked(deps)
    await booked(deps, "2027-03-12T10:00", STRANGER)
    with pytest.raises(SlotTaken) as raised:
        await reschedule_appointment(
            RescheduleAppointmentArgs(appointment_id=appointment_id, start="2027-03-12T10:00"),
            CALLER,
            deps,
        )
    assert raised.value.details["alternatives"]
    mine = await find_appointments(FindAppointmentsArgs(), CALLER, deps)
    assert mine.appointments[0].start == "2027-03-11T09:00:00-05:00"


async def test_a_calendar_failure_while_moving_puts_it_back(
    deps: Deps, calendar_path: Path
) -> None:
    appointment_id = await booked(deps)
    with pytest.raises(CalendarUnavailable, match="still tomorrow at 9 AM"):
        await reschedule_appointment(
            RescheduleAppointmentArgs(appointment_id=appointment_id, start="2027-03-12T10:00"),
            CALLER,
            flaky(deps, calendar_path),
        )
    mine = await find_appointments(FindAppointmentsArgs(), CALLER, deps)
    assert mine.appointments[0].start == "2027-03-11T09:00:00-05:00"


async def test_cancelling_removes_the_appointment_and_its_event(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    appointment_id = await booked(deps)
    reply = await cancel_appointment(
        CancelAppointmentArgs(appointment_id=appointment_id, reason="feeling better"), CALLER, deps
    )
    assert reply.appointment.status == "cancelled"
    assert reply.message == "Your Cleaning tomorrow at 9 AM is cancelled."
    row = await clean_pool.fetchrow(
        "select status, cancel_reason, calendar_event_id, calendar_synced from appointments"
    )
    assert tuple(row)[:2] == ("cancelled", "feeling better")
    assert row["calendar_synced"] is True
    assert isinstance(deps.calendar, LocalCalendar)
    assert await deps.calendar.event("primary", row["calendar_event_id"]) is None
    again = await find_slots_start(deps)
    assert again == "2027-03-11T09:00:00-05:00"  # the time is free again


async def find_slots_start(deps: Deps) -> str:
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-11", limit=1), CALLER, deps
    )
    return reply.slots[0].start


async def test_a_calendar_failure_while_cancelling_keeps_the_appointment(
    deps: Deps, calendar_path: Path
) -> None:
    appointment_id = await booked(deps)
    with pytest.raises(CalendarUnavailable, match="not cancelled yet"):
        await cancel_appointment(
            CancelAppointmentArgs(appointment_id=appointment_id),
            CALLER,
            flaky(deps, calendar_path),
        )
    mine = await find_appointments(FindAppointmentsArgs(), CALLER, deps)
    assert [a.appointment_id for a in mine.appointments] == [appointment_id]


@pytest.mark.parametrize(
    ("call", "details"),
    [
        (STRANGER, {}),
        (STRANGER, {"phone": "+14155550123"}),  # knowing the number is not enough
        (WEB, {"name": "Ada Lovelace"}),
        (WEB, {"name": "Someone Else", "email": "ada@example.com"}),
    ],
)
async def test_only_the_owner_may_change_an_appointment(
    deps: Deps, call: CallContext, details: dict[str, str]
) -> None:
    appointment_id = await booked(deps)
    with pytest.raises(NotFound):
        await cancel_appointment(
            CancelAppointmentArgs(appointment_id=appointment_id, **details), call, deps
        )
    with pytest.raises(NotFound):
        await reschedule_appointment(
            RescheduleAppointmentArgs(
                appointment_id=appointment_id, start="2027-03-12T10:00", **details
            ),
            call,
            deps,
        )
    with pytest.raises(NotFound):  # an unknown id answers the same
        await cancel_appointment(CancelAppointmentArgs(appointment_id="apt_nope"), CALLER, deps)


async def test_a_web_caller_with_name_and_email_may_cancel(deps: Deps) -> None:
    appointment_id = await booked(deps)
    reply = await cancel_appointment(
        CancelAppointmentArgs(
            appointment_id=appointment_id, name="  ada   LOVELACE ", email="ada@example.com"
        ),
        WEB,
        deps,
    )
    assert reply.appointment.status == "cancelled"
