"""book_appointment over the real store (Postgres) and the local calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from agent_tools.appointment_ids import calendar_event_id, new_appointment_id
from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.errors import (
    CalendarUnavailable,
    InvalidArguments,
    OutsideHours,
    SlotTaken,
    TooSoon,
    UnclearTime,
)
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ownership import normalize_phone
from agent_tools.ports import CallContext, Deps
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import CalendarUnavailableError, NewEvent

NY = ZoneInfo("America/New_York")
CALL = CallContext(call_id="call_1", from_number="+1 (555) 123-0000")


def book(**fields: Any) -> BookAppointmentArgs:
    return BookAppointmentArgs(name="Ada Lovelace", **fields)


async def test_booking_an_offered_slot_writes_database_and_calendar(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    offered = await find_slots(FindSlotsArgs(service="Cleaning", when="2027-03-11"), CALL, deps)
    reply = await book_appointment(book(slot_id=offered.slots[0].slot_id), CALL, deps)

    appointment = reply.appointment
    assert (appointment.start, appointment.end) == (
        "2027-03-11T09:00:00-05:00",
        "2027-03-11T10:00:00-05:00",
    )
    assert appointment.status == "booked"
    assert reply.message == "You're booked for Cleaning tomorrow at 9 AM."
    row = await clean_pool.fetchrow(
        "select status, customer_phone, calendar_event_id, lower(blocked) as b0,"
        " upper(blocked) as b1 from appointments where id = $1",
        appointment.appointment_id,
    )
    assert row["status"] == "booked"
    assert row["customer_phone"] == "+15551230000"
    assert row["b1"] == datetime(2027, 3, 11, 10, 10, tzinfo=NY)  # ten minutes' buffer after
    assert isinstance(deps.calendar, LocalCalendar)
    event = await deps.calendar.event("primary", row["calendar_event_id"])
    assert event is not None
    assert event["appointment_id"] == appointment.appointment_id


async def test_a_booked_slot_is_no_longer_offered(deps: Deps) -> None:
    first = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-11", limit=1), CALL, deps
    )
    await book_appointment(book(slot_id=first.slots[0].slot_id), CALL, deps)
    again = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-11", limit=1), CALL, deps
    )
    # 9:00 is taken; with the 10-minute buffer the next start is 10:15.
    assert again.slots[0].start == "2027-03-11T10:15:00-05:00"


async def test_a_taken_slot_answers_with_alternatives(deps: Deps) -> None:
    await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, deps)
    with pytest.raises(SlotTaken) as raised:
        await book_appointment(
            BookAppointmentArgs(service="Cleaning", name="Grace Hopper", start="2027-03-11T09:30"),
            CALL,
            deps,
        )
    alternatives = raised.value.details["alternatives"]
    assert alternatives
    assert all(a["start"] != "2027-03-11T09:30:00-05:00" for a in alternatives)
    assert "I can offer" in raised.value.message


async def test_times_outside_hours_or_too_soon_are_refused(deps: Deps) -> None:
    with pytest.raises(OutsideHours):
        await book_appointment(
            book(service="Cleaning", start="2027-03-13T10:00"), CALL, deps
        )  # Saturday
    with pytest.raises(TooSoon):
        await book_appointment(
            book(service="Cleaning", start="2027-03-10T10:30"), CALL, deps
        )  # 30 minutes away


async def test_a_calendar_failure_books_nothing_and_says_so(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    class DownCalendar(LocalCalendar):
        async def create_event(self, calendar_id: str, event: NewEvent) -> None:
            raise CalendarUnavailableError("timeout")

    broken = Deps(deps.business, DownCalendar(deps_path(deps)), deps.store, deps.clock)
    with pytest.raises(CalendarUnavailable, match="not booked"):
        await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, broken)
    statuses = await clean_pool.fetch("select status, cancel_reason from appointments")
    assert [tuple(r) for r in statuses] == [("cancelled", "calendar_unavailable")]
    reply = await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, deps)
    assert reply.appointment.status == "booked"  # the time was released


def deps_path(deps: Deps) -> Any:
    assert isinstance(deps.calendar, LocalCalendar)
    return deps.calendar._path


async def test_a_web_call_without_a_number_asks_for_one(deps: Deps) -> None:
    with pytest.raises(InvalidArguments, match="phone number"):
        await book_appointment(
            book(service="Cleaning", start="2027-03-11T09:00"), CallContext(), deps
        )


async def test_a_slot_id_for_another_service_is_refused(deps: Deps) -> None:
    offered = await find_slots(FindSlotsArgs(when="2027-03-11", service="Checkup"), CALL, deps)
    with pytest.raises(InvalidArguments, match="offered for Checkup"):
        await book_appointment(
            book(slot_id=offered.slots[0].slot_id, service="Cleaning"), CALL, deps
        )


def test_identifiers_are_random_and_event_ids_are_valid_for_google() -> None:
    ids = {new_appointment_id() for _ in range(1000)}
    assert len(ids) == 1000
    event_id = calendar_event_id("apt_abc")
    assert event_id == calendar_event_id("apt_abc")
    assert set(event_id) <= set("0123456789abcdefghijklmnopqrstuv")
    assert 5 <= len(event_id) <= 1024


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("+1 (555) 123-0000", "+15551230000"), ("555-1234", "5551234"), ("12", None), (None, None)],
)
def test_phone_numbers_are_normalized(raw: str | None, normal: str | None) -> None:
    assert normalize_phone(raw) == normal


async def test_a_start_in_the_callers_words_books_that_exact_time(deps: Deps) -> None:
    reply = await book_appointment(
        book(service="Cleaning", start="tomorrow at 2:30 PM"), CALL, deps
    )
    assert reply.appointment.start == "2027-03-11T14:30:00-05:00"


async def test_a_start_that_is_not_one_time_asks_which(deps: Deps) -> None:
    with pytest.raises(UnclearTime, match="Which exact time"):
        await book_appointment(book(service="Cleaning", start="tomorrow morning"), CALL, deps)
