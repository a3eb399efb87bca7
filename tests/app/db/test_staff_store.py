"""What Postgres guarantees for staff and rooms: one person or one room unit is never booked
twice at once, a person's daily cap holds under races, and a move can change person and room."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import asyncpg
import pytest

from agent_tools.ports import Booking, Placement, SlotConflictError
from app.db.appointments import PostgresAppointmentStore
from tests.app.db.test_appointments import NINE, booking


@pytest.fixture
def store(clean_pool: asyncpg.Pool) -> PostgresAppointmentStore:
    return PostgresAppointmentStore(clean_pool)


async def test_one_room_unit_is_never_booked_twice_at_once_whoever_the_people_are(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    racing = [
        replace(booking(i, calendar=f"person{i}@x"), room_unit="suite#1", staff_id=f"p{i}")
        for i in range(6)
    ]
    results = await asyncio.gather(*(store.reserve(b) for b in racing), return_exceptions=True)
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, SlotConflictError) for r in results if isinstance(r, BaseException))
    # The other unit of the same room is free for a seventh.
    await store.reserve(replace(booking(7, calendar="person7@x"), room_unit="suite#2"))
    count = await clean_pool.fetchval(
        "select count(*) from appointments where status <> 'cancelled'"
    )
    assert count == 2


async def test_a_persons_daily_cap_holds_when_bookings_race(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    racing = [
        replace(
            booking(i, NINE + timedelta(hours=i), calendar="lena@x"),
            max_per_day_staff=2,
            zone="America/New_York",
        )
        for i in range(5)
    ]
    results = await asyncio.gather(*(store.reserve(b) for b in racing), return_exceptions=True)
    assert sum(not isinstance(r, BaseException) for r in results) == 2
    # Another day is a new count.
    await store.reserve(
        replace(booking(9, NINE + timedelta(days=1), calendar="lena@x"), max_per_day_staff=2)
    )


async def test_a_persons_day_is_their_local_day_at_both_edges(
    store: PostgresAppointmentStore,
) -> None:
    """23:00 in New York is the next day in UTC, and 00:30 the next local day: each counts for
    its own local date (the cap is read over an index range, then by the exact local date)."""
    late = NINE.replace(hour=23)  # 04:00 UTC the next day

    def at(index: int, hours: float) -> Booking:
        start = late + timedelta(hours=hours)
        return replace(
            booking(index, start, calendar="edge@x"),
            end=start + timedelta(minutes=20),
            blocked_end=start + timedelta(minutes=20),
            max_per_day_staff=1,
            zone="America/New_York",
        )

    await store.reserve(at(1, 0))  # 23:00 on the 11th
    await store.reserve(at(2, 1.5))  # 00:30 on the 12th: another day
    # A full day is "not this person then" (the next free person is tried).
    with pytest.raises(SlotConflictError):
        await store.reserve(at(3, -14))  # 09:00 on the 11th: that day is full
    with pytest.raises(SlotConflictError):
        await store.reserve(at(4, 22.5))  # 21:30 on the 12th: so is that one
    assert await store.get("apt_test3") is None and await store.get("apt_test4") is None


async def test_a_move_can_change_person_and_room_and_keeps_them_when_not_told(
    store: PostgresAppointmentStore,
) -> None:
    first = await store.reserve(
        replace(booking(1, calendar="maya@x"), staff_id="maya", room_unit="suite#1")
    )
    appointment_id = first.appointment.appointment_id
    await store.confirm(appointment_id)
    later = NINE + timedelta(hours=3)
    blocked = (later, later + timedelta(hours=1))
    kept = await store.move(appointment_id, *blocked, blocked, calendar_clean=False)
    assert kept is not None
    assert (kept.calendar_id, kept.staff_id, kept.room_unit) == ("maya@x", "maya", "suite#1")
    moved = await store.move(
        appointment_id,
        *blocked,
        blocked,
        calendar_clean=False,
        place=Placement("lena@x", "lena", None),
    )
    assert moved is not None
    assert (moved.calendar_id, moved.staff_id, moved.room_unit) == ("lena@x", "lena", None)
    # Moving onto a person who is busy then is refused, and nothing changes.
    await store.reserve(replace(booking(2, NINE, calendar="sam@x"), staff_id="sam"))
    with pytest.raises(SlotConflictError):
        await store.move(
            appointment_id,
            NINE,
            NINE + timedelta(hours=1),
            (NINE, NINE + timedelta(hours=1)),
            calendar_clean=False,
            place=Placement("sam@x", "sam", None),
        )
    unchanged = await store.get(appointment_id)
    assert unchanged is not None and unchanged.staff_id == "lena"


async def test_occupancy_counts_and_loads_come_per_calendar_and_unit_in_one_call(
    store: PostgresAppointmentStore,
) -> None:
    await store.reserve(replace(booking(1, calendar="maya@x"), room_unit="suite#1"))
    await store.reserve(replace(booking(2, NINE + timedelta(hours=2), calendar="maya@x")))
    await store.reserve(replace(booking(3, calendar="lena@x")))
    window = (NINE - timedelta(days=1), NINE + timedelta(days=1))
    found = await store.occupancy(
        "test-dental", ["maya@x", "lena@x", "sam@x"], ["suite#1", "suite#2"], *window
    )
    assert [len(found.calendars[c]) for c in ("maya@x", "lena@x", "sam@x")] == [2, 1, 0]
    assert [len(found.rooms[u]) for u in ("suite#1", "suite#2")] == [1, 0]
    counts = await store.count_by_day(
        "test-dental", ["maya@x", "lena@x"], *window, "America/New_York"
    )
    assert counts == {"maya@x": {NINE.date(): 2}, "lena@x": {NINE.date(): 1}}
    loads = await store.staff_load("test-dental", ["maya@x", "lena@x"], *window)
    assert (loads["maya@x"].minutes, loads["lena@x"].minutes) == (120, 60)
    assert loads["maya@x"].last_assigned is not None
