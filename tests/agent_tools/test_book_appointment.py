"""book_appointment over the real store (Postgres) and the local calendar."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from agent_tools import book_appointment as book_module
from agent_tools.appointment_ids import calendar_event_id, new_appointment_id
from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.errors import (
    BookingLimit,
    CalendarUnavailable,
    InvalidArguments,
    OutsideHours,
    SlotTaken,
    TooSoon,
    UnclearTime,
    WhichService,
)
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from app.db.appointments import PostgresAppointmentStore
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import CalendarUnavailableError, NewEvent
from tests.fakes.store import ScriptedStore

NY = ZoneInfo("America/New_York")
CALL = CallContext(call_id="call_1", from_number="+15551230000")


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


async def test_a_web_call_asking_again_without_its_number_gets_its_own_booking(
    deps: Deps,
) -> None:
    web = CallContext(call_id="web_1")
    first = await book_appointment(
        book(service="Cleaning", start="2027-03-11T09:00", phone="+15551239999"), web, deps
    )
    again = await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), web, deps)
    assert again.appointment.appointment_id == first.appointment.appointment_id


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
    assert calendar_event_id("apt_abd") != event_id


async def test_a_start_in_the_callers_words_books_that_exact_time(deps: Deps) -> None:
    reply = await book_appointment(
        book(service="Cleaning", start="tomorrow at 2:30 PM"), CALL, deps
    )
    assert reply.appointment.start == "2027-03-11T14:30:00-05:00"


async def test_a_start_that_is_not_one_time_asks_which(deps: Deps) -> None:
    with pytest.raises(UnclearTime, match="Which exact time"):
        await book_appointment(book(service="Cleaning", start="tomorrow morning"), CALL, deps)


async def test_the_same_call_asking_again_gets_its_own_booking_whatever_the_spelling(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    """The booking intent (call, service, start) is answered before the availability check,
    which the call's own appointment would fail."""
    first = await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, deps)
    again = await book_appointment(
        BookAppointmentArgs(name="ADA lovelace", service="cleaning", start="tomorrow at 9 AM"),
        CALL,
        deps,
    )
    assert again.appointment.appointment_id == first.appointment.appointment_id
    assert again.appointment.name == "Ada Lovelace"
    assert await clean_pool.fetchval("select count(*) from appointments") == 1


async def test_a_repeat_while_the_first_writes_to_the_calendar_waits_for_it(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    release = asyncio.Event()

    class SlowCalendar(LocalCalendar):
        async def create_event(self, calendar_id: str, event: NewEvent) -> None:
            await release.wait()
            await super().create_event(calendar_id, event)

    slow = Deps(deps.business, SlowCalendar(deps_path(deps)), deps.store, deps.clock)
    first = asyncio.create_task(
        book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, slow)
    )
    await asyncio.sleep(0.2)
    second = asyncio.create_task(
        book_appointment(
            BookAppointmentArgs(service="Cleaning", start="2027-03-11T09:00", name="Ada L."),
            CALL,
            slow,
        )
    )
    await asyncio.sleep(0.3)
    assert not second.done()  # waiting, not "taken"
    release.set()
    replies = await asyncio.gather(first, second)
    assert replies[0].appointment == replies[1].appointment
    assert replies[1].appointment.status == "booked"
    assert await clean_pool.fetchval("select count(*) from appointments") == 1


async def test_a_repeat_finishes_a_booking_whose_first_request_died_after_reserving(
    deps: Deps, clean_pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request reserved and vanished (its process died): the retry writes the same
    event and confirms it instead of answering "in progress" or "taken"."""
    monkeypatch.setattr(book_module, "SETTLE_WAIT_SECONDS", 0.2)

    class Dies(LocalCalendar):
        async def create_event(self, calendar_id: str, event: NewEvent) -> None:
            raise asyncio.CancelledError  # the task ends here, as a killed process would

    dying = Deps(deps.business, Dies(deps_path(deps)), deps.store, deps.clock)
    with pytest.raises(asyncio.CancelledError):
        await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, dying)
    reply = await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, deps)
    assert reply.appointment.status == "booked"
    assert isinstance(deps.calendar, LocalCalendar)
    row = await clean_pool.fetchrow("select calendar_event_id, status from appointments")
    assert row["status"] == "booked"
    assert await deps.calendar.event_times("primary", row["calendar_event_id"]) is not None


async def test_the_event_tells_staff_how_to_call_back(deps: Deps) -> None:
    reply = await book_appointment(
        book(
            service="Cleaning",
            start="2027-03-11T09:00",
            phone="+1 (415) 555-0198",
            notes="Sensitive teeth",
        ),
        CALL,
        deps,
    )
    assert isinstance(deps.calendar, LocalCalendar)
    appointment_id = reply.appointment.appointment_id
    event = await deps.calendar.event("primary", calendar_event_id(appointment_id))
    assert event is not None
    assert event["description"].splitlines() == [
        "Booked by phone.",
        "Phone: +14155550198",
        "Notes: Sensitive teeth",
        f"Appointment {appointment_id}.",
    ]


async def test_with_several_services_and_none_named_the_caller_is_asked_which(
    deps: Deps,
) -> None:
    with pytest.raises(WhichService, match=r"We offer Cleaning or Checkup\. Which one"):
        await book_appointment(book(start="2027-03-11T09:00"), CALL, deps)
    with pytest.raises(WhichService):
        await find_slots(FindSlotsArgs(when="2027-03-11"), CALL, deps)
    single = replace(deps.business, services=deps.business.services[1:])
    reply = await find_slots(FindSlotsArgs(when="2027-03-11"), CALL, replace(deps, business=single))
    assert reply.service == "Checkup"  # one service: it is implied


async def test_one_call_cannot_book_past_its_limit(deps: Deps, clean_pool: asyncpg.Pool) -> None:
    for hour in (9, 11):
        await book_appointment(
            book(service="Checkup", start=f"2027-03-11T{hour:02d}:00"), CALL, deps
        )
    with pytest.raises(BookingLimit, match="at most 2 appointments in one call"):
        await book_appointment(book(service="Checkup", start="2027-03-11T13:00"), CALL, deps)
    other_call = CallContext(call_id="call_2", from_number="+15551230000")
    await book_appointment(book(service="Checkup", start="2027-03-11T14:00"), other_call, deps)
    third_call = CallContext(call_id="call_3", from_number="+15551230000")
    with pytest.raises(BookingLimit, match="already has 3 appointments that day"):
        await book_appointment(book(service="Checkup", start="2027-03-11T15:00"), third_call, deps)
    next_day = await book_appointment(
        book(service="Checkup", start="2027-03-12T09:00"), third_call, deps
    )
    assert next_day.appointment.status == "booked"
    assert await clean_pool.fetchval("select count(*) from appointments") == 4


async def test_racing_bookings_of_one_call_stay_within_its_limit(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    starts = [f"2027-03-11T{hour:02d}:00" for hour in (9, 10, 11, 12, 13, 14)]
    results = await asyncio.gather(
        *(book_appointment(book(service="Checkup", start=s), CALL, deps) for s in starts),
        return_exceptions=True,
    )
    assert sum(isinstance(r, BookingLimit) for r in results) == 4
    assert await clean_pool.fetchval("select count(*) from appointments") == 2


async def test_an_event_whose_reservation_was_released_meanwhile_is_undone(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    """The reconciler released the reservation while the calendar write was slow: confirming
    finds nothing, so the event just made is deleted and the caller hears "not booked"."""
    store = ScriptedStore(clean_pool)

    async def released_meanwhile(appointment_id: str) -> None:
        await store.release(appointment_id, "abandoned", calendar_clean=False)

    store.then("fd_confirm", released_meanwhile)
    scripted = replace(deps, store=store)
    with pytest.raises(CalendarUnavailable, match="not booked"):
        await book_appointment(book(service="Cleaning", start="2027-03-11T09:00"), CALL, scripted)
    row = await clean_pool.fetchrow("select status, calendar_event_id from appointments")
    assert row["status"] == "cancelled"
    assert isinstance(deps.calendar, LocalCalendar)
    assert await deps.calendar.event_times("primary", row["calendar_event_id"]) is None
    assert store.calls.count("fd_confirm") == 1


async def test_a_repeat_whose_first_request_gave_up_is_told_it_is_not_booked(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    """Waiting on an earlier request with the same intent that reserved just before us and
    then released its reservation (its calendar write failed): "not booked", never "booked"."""
    store = ScriptedStore(clean_pool)
    reserve = "select fd_reserve($1::jsonb, $2)"

    async def the_first_reserves_just_before(booking: dict[str, Any], stale: int) -> Any:
        first = dict(booking, id="apt_first", calendar_event_id="fdfirst")
        await PostgresAppointmentStore._value(store, reserve, first, stale)
        return await PostgresAppointmentStore._value(store, reserve, booking, stale)

    async def then_gives_up(appointment_id: str) -> Any:
        await store.release(appointment_id, "calendar_unavailable", calendar_clean=False)
        return await PostgresAppointmentStore._value(store, "select fd_get($1)", appointment_id)

    store.then("fd_reserve", the_first_reserves_just_before)
    store.then("fd_get", then_gives_up)
    with pytest.raises(CalendarUnavailable, match="not booked"):
        await book_appointment(
            book(service="Cleaning", start="2027-03-11T09:00"), CALL, replace(deps, store=store)
        )
    rows = await clean_pool.fetch("select id, status from appointments")
    assert [tuple(r) for r in rows] == [("apt_first", "cancelled")]
    assert "fd_by_intent" not in store.calls  # reserving a held intent answers with it
    assert store.calls[store.calls.index("fd_reserve") :][:2] == ["fd_reserve", "fd_get"]


async def test_duplicates_racing_without_the_cache_all_hear_the_one_booking(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    """Redis slow or down: nothing holds duplicates back, and none of them may hear "taken"
    because its twin reserved the slot between its intent lookup and its availability check."""
    args = book(start="2027-03-11T09:00", service="Cleaning")
    replies = await asyncio.gather(*(book_appointment(args, CALL, deps) for _ in range(10)))
    assert len({r.appointment.appointment_id for r in replies}) == 1
    assert await clean_pool.fetchval("select count(*) from appointments") == 1
