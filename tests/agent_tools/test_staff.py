"""Staff and shared rooms (issue 11): searching and booking a person, or anyone, on the real
store (Postgres) and the local calendar holding one calendar per person."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.business import Business
from agent_tools.change_appointment import RescheduleAppointmentArgs, reschedule_appointment
from agent_tools.errors import SlotTaken, UnknownStaff
from agent_tools.find_appointments import FindAppointmentsArgs, find_appointments
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from app.db.appointments import PostgresAppointmentStore
from calendar_adapter.local import LocalCalendar
from tests.conftest import NOW

CALL = CallContext(call_id="call_staff", from_number="+15551230000")
THURSDAY = "2027-03-11"


@pytest.fixture
def staff_deps(clinic: Business, clean_pool: asyncpg.Pool, calendar_path: Path) -> Deps:
    return Deps(
        business=clinic,
        calendar=LocalCalendar(calendar_path),
        store=PostgresAppointmentStore(clean_pool),
        clock=lambda: NOW,
    )


def book(n: int = 0, **fields: Any) -> BookAppointmentArgs:
    return BookAppointmentArgs(name=f"Caller {n}", phone=f"+1555123{n:04d}", **fields)


def call(n: int) -> CallContext:
    return CallContext(call_id=f"call_{n}", from_number=f"+1555123{n:04d}")


async def staff_of(pool: asyncpg.Pool) -> Counter[str]:
    rows = await pool.fetch("select staff_id from appointments where status = 'booked'")
    return Counter(r["staff_id"] for r in rows)


async def test_a_named_search_offers_only_that_persons_times_and_says_with_whom(
    staff_deps: Deps,
) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Checkup", when="today", staff="dr patel"), CALL, staff_deps
    )
    assert reply.staff is not None and reply.staff.id == "maya"
    assert reply.slots
    for slot in reply.slots:
        assert slot.staff is not None and slot.staff.name == "Dr. Maya Patel"
        assert slot.slot_id.endswith(".maya")
        assert slot.spoken.endswith(" with Maya")
    assert reply.message.endswith("with Maya. Which would you like?")


async def test_anyone_offers_each_time_once_and_says_nothing_about_who(staff_deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Checkup", when=THURSDAY, staff="anyone", limit=10),
        CALL,
        staff_deps,
    )
    starts = [slot.start for slot in reply.slots]
    assert len(starts) == len(set(starts)) == 10
    assert all(slot.staff is None and " with " not in slot.spoken for slot in reply.slots)
    assert " with " not in reply.message


async def test_an_unknown_name_is_refused_with_who_does_the_service(staff_deps: Deps) -> None:
    with pytest.raises(UnknownStaff) as refused:
        await find_slots(FindSlotsArgs(service="Cleaning", staff="Dr. Who"), CALL, staff_deps)
    assert refused.value.details["staff"] == ["Sam Okafor", "Lena Ruiz"]
    assert "Sam Okafor or Lena Ruiz" in refused.value.message


async def test_a_person_who_does_not_do_the_service_is_refused_by_name(staff_deps: Deps) -> None:
    with pytest.raises(UnknownStaff) as refused:
        await find_slots(FindSlotsArgs(service="Cleaning", staff="Maya"), CALL, staff_deps)
    assert refused.value.message.startswith("Dr. Maya Patel doesn't do Cleaning.")


async def test_a_person_is_offered_only_within_their_own_hours(staff_deps: Deps) -> None:
    # Sam works Wednesday afternoons only: "today" (Wednesday) offers nothing before 1 PM.
    reply = await find_slots(
        FindSlotsArgs(service="Checkup", when="today", staff="Sam", limit=10), CALL, staff_deps
    )
    assert reply.slots
    assert all(slot.start >= "2027-03-10T13:00" for slot in reply.slots)


async def test_a_named_booking_lands_in_that_persons_calendar_only(
    staff_deps: Deps, calendar_path: Path
) -> None:
    offered = await find_slots(
        FindSlotsArgs(service="Checkup", when=THURSDAY, staff="Lena"), CALL, staff_deps
    )
    reply = await book_appointment(book(slot_id=offered.slots[0].slot_id), CALL, staff_deps)
    assert reply.appointment.staff is not None and reply.appointment.staff.id == "lena-ruiz"
    assert reply.message.endswith("with Lena.")
    calendar = LocalCalendar(calendar_path)
    window = (NOW, NOW + timedelta(days=3))
    busy = await calendar.busy(["maya@clinic.test", "sam@clinic.test", "lena@clinic.test"], *window)
    assert [len(busy[c]) for c in ("maya@clinic.test", "sam@clinic.test")] == [0, 0]
    assert len(busy["lena@clinic.test"]) == 1


async def test_anyone_goes_to_the_person_with_the_fewest_booked_minutes(
    staff_deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    for n, who in enumerate(["Maya", "Lena"]):
        offered = await find_slots(
            FindSlotsArgs(service="Checkup", when="2027-03-12", staff=who), call(n), staff_deps
        )
        await book_appointment(book(n, slot_id=offered.slots[0].slot_id), call(n), staff_deps)
    anyone = await find_slots(FindSlotsArgs(service="Checkup", when=THURSDAY), call(9), staff_deps)
    reply = await book_appointment(book(9, slot_id=anyone.slots[0].slot_id), call(9), staff_deps)
    assert reply.appointment.staff is not None and reply.appointment.staff.id == "sam-okafor"


async def test_a_taken_named_slot_offers_that_persons_other_times(staff_deps: Deps) -> None:
    offered = await find_slots(
        FindSlotsArgs(service="Checkup", when=THURSDAY, staff="Maya"), CALL, staff_deps
    )
    slot = offered.slots[0].slot_id
    await book_appointment(book(1, slot_id=slot), call(1), staff_deps)
    with pytest.raises(SlotTaken) as taken:
        await book_appointment(book(2, slot_id=slot), call(2), staff_deps)
    alternatives = taken.value.details["alternatives"]
    assert alternatives
    assert all(a["staff"]["id"] == "maya" for a in alternatives)


async def test_three_racing_anyone_bookings_get_three_people_and_a_fourth_is_refused(
    staff_deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    offered = await find_slots(FindSlotsArgs(service="Checkup", when=THURSDAY), CALL, staff_deps)
    slot = offered.slots[0].slot_id
    outcomes = await asyncio.gather(
        *(book_appointment(book(n, slot_id=slot), call(n), staff_deps) for n in range(4)),
        return_exceptions=True,
    )
    booked = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(booked) == 3
    assert [type(o) for o in refused] == [SlotTaken]
    assert await staff_of(clean_pool) == Counter({"maya": 1, "sam-okafor": 1, "lena-ruiz": 1})


async def test_the_one_suite_cannot_be_booked_twice_at_once_even_with_people_free(
    staff_deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    offered = await find_slots(FindSlotsArgs(service="Whitening", when=THURSDAY), CALL, staff_deps)
    slot = offered.slots[0].slot_id
    first = await book_appointment(book(1, slot_id=slot), call(1), staff_deps)
    with pytest.raises(SlotTaken):
        await book_appointment(book(2, slot_id=slot), call(2), staff_deps)
    again = await find_slots(
        FindSlotsArgs(service="Whitening", when=THURSDAY, limit=10), CALL, staff_deps
    )
    blocked_until = "2027-03-11T10:15"  # the first whitening and its 15-minute buffer
    assert first.appointment.start == "2027-03-11T09:00:00-05:00"
    assert all(s.start >= blocked_until for s in again.slots)
    # Yet a checkup (no room needed) at the same time still finds the two other people.
    checkup = await find_slots(FindSlotsArgs(service="Checkup", when=THURSDAY), CALL, staff_deps)
    assert checkup.slots[0].start == "2027-03-11T09:00:00-05:00"


async def test_a_full_day_for_one_person_sends_anyone_to_the_others(
    staff_deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    lena_only = replace(
        staff_deps,
        business=replace(
            staff_deps.business, staff=tuple(m for m in staff_deps.business.staff if m.id != "maya")
        ),
    )
    for n in range(2):  # Lena's cap is 2 a day
        offered = await find_slots(
            FindSlotsArgs(service="Cleaning", when="2027-03-12", staff="Lena"), call(n), lena_only
        )
        await book_appointment(book(n, slot_id=offered.slots[0].slot_id), call(n), lena_only)
    friday = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-12", staff="Lena"), CALL, lena_only
    )
    assert friday.slots == []  # her Friday is full; Sam doesn't work Fridays
    assert all(not a.start.startswith("2027-03-12") for a in friday.alternatives)


async def test_forty_anyone_bookings_spread_within_one_of_each_other(
    staff_deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    team = tuple(replace(m, weekly_hours=None, max_per_day=None) for m in staff_deps.business.staff)
    even = replace(staff_deps, business=replace(staff_deps.business, staff=team))
    for n in range(40):  # one after another, so everyone is free each time
        day, half_hour = divmod(n, 16)
        start = f"2027-03-{15 + day}T{9 + half_hour // 2:02d}:{30 * (half_hour % 2):02d}"
        await book_appointment(book(n, start=start, service="Checkup"), call(100 + n), even)
    booked = await staff_of(clean_pool)
    counts = [booked[m.id] for m in team]  # someone never chosen counts as 0
    assert sum(counts) == 40
    assert max(counts) - min(counts) <= 1


async def test_a_move_keeps_the_person_and_anyone_may_move_it_to_someone_else(
    staff_deps: Deps, calendar_path: Path
) -> None:
    offered = await find_slots(
        FindSlotsArgs(service="Checkup", when=THURSDAY, staff="Maya"), CALL, staff_deps
    )
    booked = await book_appointment(book(slot_id=offered.slots[0].slot_id), CALL, staff_deps)
    appointment_id = booked.appointment.appointment_id
    later = await find_slots(
        FindSlotsArgs(service="Checkup", when="2027-03-12", staff="anyone"), CALL, staff_deps
    )
    kept = await reschedule_appointment(
        RescheduleAppointmentArgs(appointment_id=appointment_id, slot_id=later.slots[0].slot_id),
        CALL,
        staff_deps,
    )
    assert kept.appointment.staff is not None and kept.appointment.staff.id == "maya"
    # Maya is busy Friday at 2 PM; with "anyone", Lena takes it and the event follows her.
    await book_appointment(
        book(7, start="2027-03-12T14:00", service="Checkup", staff="Maya"), call(7), staff_deps
    )
    moved = await reschedule_appointment(
        RescheduleAppointmentArgs(
            appointment_id=appointment_id, start="2027-03-12T14:00", staff="anyone"
        ),
        CALL,
        staff_deps,
    )
    assert moved.appointment.staff is not None and moved.appointment.staff.id == "lena-ruiz"
    calendar = LocalCalendar(calendar_path)
    window = (NOW, NOW + timedelta(days=3))
    busy = await calendar.busy(["maya@clinic.test", "lena@clinic.test"], *window)
    assert len(busy["maya@clinic.test"]) == 1  # only the other caller's
    assert len(busy["lena@clinic.test"]) == 1
    found = await find_appointments(FindAppointmentsArgs(), CALL, staff_deps)
    assert [a.staff.name if a.staff else None for a in found.appointments] == ["Lena Ruiz"]
