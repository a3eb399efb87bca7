"""The store, and the invariant Postgres enforces under concurrency: no overlapping bookings."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from agent_tools.ports import Booking, SlotConflictError
from app.db.appointments import PostgresAppointmentStore

NY = ZoneInfo("America/New_York")
NINE = datetime(2027, 3, 11, 9, tzinfo=NY)


def seconds(start: datetime, end: datetime) -> tuple[int, int]:
    return int(start.timestamp()), int(end.timestamp())


def booking(index: int, start: datetime = NINE, calendar: str = "primary") -> Booking:
    return Booking(
        appointment_id=f"apt_test{index}",
        business_id="test-dental",
        calendar_id=calendar,
        service="Cleaning",
        start=start,
        end=start + timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + timedelta(hours=1, minutes=10),
        customer_name=f"Caller {index}",
        customer_phone=f"+1555000{index:04d}",
        customer_email=None,
        notes=None,
        call_id=f"call_{index}",
    )


async def test_twenty_racing_reservations_for_one_slot_yield_exactly_one(
    clean_pool: asyncpg.Pool,
) -> None:
    store = PostgresAppointmentStore(clean_pool)
    results = await asyncio.gather(
        *(store.reserve(booking(i)) for i in range(20)), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, SlotConflictError) for r in results if r not in winners)
    assert await clean_pool.fetchval("select count(*) from appointments") == 1


async def test_buffers_count_and_other_calendars_do_not(clean_pool: asyncpg.Pool) -> None:
    store = PostgresAppointmentStore(clean_pool)
    await store.reserve(booking(1))
    with pytest.raises(SlotConflictError):  # 10:05 falls in the 10-minute buffer after 10:00
        await store.reserve(booking(2, NINE + timedelta(minutes=65)))
    await store.reserve(booking(3, NINE + timedelta(minutes=70)))
    await store.reserve(booking(4, calendar="hygienist-2"))
    blocked = await store.blocked("test-dental", "primary", NINE, NINE + timedelta(hours=3))
    assert sorted(blocked) == [
        seconds(NINE, NINE + timedelta(minutes=70)),
        seconds(NINE + timedelta(minutes=70), NINE + timedelta(minutes=140)),
    ]


async def test_a_released_reservation_frees_its_time(clean_pool: asyncpg.Pool) -> None:
    store = PostgresAppointmentStore(clean_pool)
    first = await store.reserve(booking(1))
    assert first.status == "pending"
    await store.release(first.appointment_id, "calendar_unavailable")
    second = await store.reserve(booking(2))
    confirmed = await store.confirm(second.appointment_id, "fdevent")
    assert (confirmed.status, confirmed.calendar_event_id) == ("booked", "fdevent")
    assert await store.blocked("test-dental", "primary", NINE, NINE + timedelta(hours=1)) == [
        seconds(NINE, NINE + timedelta(minutes=70))
    ]


async def test_the_database_refuses_overlaps_even_without_the_application(
    clean_pool: asyncpg.Pool,
) -> None:
    store = PostgresAppointmentStore(clean_pool)
    await store.reserve(booking(1))
    with pytest.raises(asyncpg.exceptions.ExclusionViolationError):
        await clean_pool.execute(
            "insert into appointments (id, business_id, calendar_id, service, starts_at, ends_at,"
            " blocked, customer_name) select 'apt_raw', business_id, calendar_id, service,"
            " starts_at + interval '30 minutes', ends_at + interval '30 minutes',"
            " tstzrange(starts_at + interval '30 minutes', ends_at + interval '30 minutes'),"
            " 'Raw SQL' from appointments limit 1"
        )
