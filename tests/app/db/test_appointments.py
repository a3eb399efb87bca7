"""The store over the SQL functions, and the invariants Postgres enforces under concurrency."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from agent_tools.ports import Booking, Owner, SlotConflictError
from app.db.appointments import PostgresAppointmentStore

NY = ZoneInfo("America/New_York")
NINE = datetime(2027, 3, 11, 9, tzinfo=NY)
EARLIER = datetime(2027, 3, 1, tzinfo=NY)


def seconds(start: datetime, end: datetime) -> tuple[int, int]:
    return int(start.timestamp()), int(end.timestamp())


def booking(
    index: int, start: datetime = NINE, calendar: str = "primary", intent: str | None = None
) -> Booking:
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
        customer_email=f"caller{index}@example.com",
        notes=None,
        call_id=f"call_{index}",
        calendar_event_id=f"fdevent{index}",
        intent_key=intent,
        caller_phone=f"+1555000{index:04d}",  # booked from their own phone
    )


@pytest.fixture
def store(clean_pool: asyncpg.Pool) -> PostgresAppointmentStore:
    return PostgresAppointmentStore(clean_pool)


async def test_twenty_racing_reservations_for_one_slot_yield_exactly_one(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    results = await asyncio.gather(
        *(store.reserve(booking(i)) for i in range(20)), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert sum(isinstance(r, SlotConflictError) for r in results) == 19
    assert await clean_pool.fetchval("select count(*) from appointments") == 1


async def test_one_intent_reserved_many_times_is_one_reservation(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    results = await asyncio.gather(
        *(store.reserve(booking(i, intent="same-call-same-slot")) for i in range(10))
    )
    assert sorted(r.outcome for r in results) == ["created"] + ["existing"] * 9
    assert len({r.appointment.appointment_id for r in results}) == 1
    assert await clean_pool.fetchval("select count(*) from appointments") == 1


async def test_a_stale_pending_intent_is_replaced(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    await store.reserve(booking(1, intent="again"))
    await clean_pool.execute("update appointments set updated_at = now() - interval '5 minutes'")
    second = await store.reserve(booking(2, intent="again"))
    assert (second.outcome, second.appointment.appointment_id) == ("created", "apt_test2")
    first = await store.get("apt_test1")
    assert first is not None
    assert first.status == "cancelled"


async def test_buffers_count_and_other_calendars_do_not(store: PostgresAppointmentStore) -> None:
    await store.reserve(booking(1))
    with pytest.raises(SlotConflictError):  # 10:05 falls in the 10-minute buffer after 10:00
        await store.reserve(booking(2, NINE + timedelta(minutes=65)))
    await store.reserve(booking(3, NINE + timedelta(minutes=70)))
    await store.reserve(booking(4, calendar="hygienist-2"))
    blocked = await store.occupancy(
        "test-dental", ["primary", "nobody"], [], NINE, NINE + timedelta(hours=3)
    )
    assert blocked.calendars["nobody"] == []
    assert sorted(blocked.calendars["primary"]) == [
        seconds(NINE, NINE + timedelta(minutes=70)),
        seconds(NINE + timedelta(minutes=70), NINE + timedelta(minutes=140)),
    ]
    without_first = await store.occupancy(
        "test-dental", ["primary"], [], NINE, NINE + timedelta(hours=3), except_id="apt_test1"
    )
    assert without_first.calendars["primary"] == [
        seconds(NINE + timedelta(minutes=70), NINE + timedelta(minutes=140))
    ]


async def test_confirm_release_and_the_states_they_allow(store: PostgresAppointmentStore) -> None:
    first = (await store.reserve(booking(1))).appointment
    assert (first.status, first.calendar_synced) == ("pending", False)
    await store.release(first.appointment_id, "calendar_unavailable", calendar_clean=False)
    assert await store.confirm(first.appointment_id) is None  # released: cannot be confirmed
    second = (await store.reserve(booking(2))).appointment
    confirmed = await store.confirm(second.appointment_id)
    assert confirmed is not None
    assert (confirmed.status, confirmed.calendar_synced) == ("booked", True)
    assert confirmed.calendar_event_id == "fdevent2"


async def test_moving_is_atomic_and_refuses_taken_times(store: PostgresAppointmentStore) -> None:
    mine = (await store.reserve(booking(1))).appointment
    await store.confirm(mine.appointment_id)
    await store.reserve(booking(2, NINE + timedelta(hours=3)))
    later = NINE + timedelta(hours=3, minutes=30)
    with pytest.raises(SlotConflictError):
        await store.move(
            mine.appointment_id,
            later,
            later + timedelta(hours=1),
            (later, later + timedelta(hours=1)),
            calendar_clean=False,
        )
    kept = await store.get(mine.appointment_id)
    assert kept is not None
    assert kept.start == NINE
    # Moving onto a time overlapping its own old time is fine: the row replaces itself.
    shifted = NINE + timedelta(minutes=30)
    moved = await store.move(
        mine.appointment_id,
        shifted,
        shifted + timedelta(hours=1),
        (shifted, shifted + timedelta(hours=1)),
        calendar_clean=False,
    )
    assert moved is not None
    assert (moved.start, moved.calendar_synced) == (shifted, False)
    assert await store.mark_synced(moved)


async def test_only_the_owner_finds_an_appointment(store: PostgresAppointmentStore) -> None:
    mine = (await store.reserve(booking(1))).appointment
    await store.confirm(mine.appointment_id)
    by_caller_id = Owner(verified_phone="+15550000001")
    assert [
        a.appointment_id for a in await store.find_owned("test-dental", by_caller_id, EARLIER)
    ] == ["apt_test1"]
    assert (
        await store.find_owned("test-dental", Owner(verified_phone="+15559999999"), EARLIER) == []
    )
    by_name_and_email = Owner(None, email="caller1@example.com", name_key="caller 1")
    assert len(await store.find_owned("test-dental", by_name_and_email, EARLIER)) == 1
    name_only = Owner(None, name_key="caller 1")
    assert await store.find_owned("test-dental", name_only, EARLIER) == []
    wrong_name = Owner(None, phone="+15550000001", name_key="someone else")
    assert await store.find_owned("test-dental", wrong_name, EARLIER) == []
    other_business = await store.find_owned("other-business", by_caller_id, EARLIER)
    assert other_business == []
    assert await store.find_owned("test-dental", by_caller_id, NINE + timedelta(hours=2)) == []


async def test_a_number_given_for_a_booking_is_contact_information_only(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    """A stranger booking under someone else's number neither renames that customer, nor
    shows in their caller-ID lookups, nor becomes "known" by it."""
    await store.confirm((await store.reserve(booking(1))).appointment.appointment_id)
    strangers = replace(
        booking(2, start=NINE + timedelta(hours=2)),
        customer_name="Mallory",
        customer_phone="+15550000001",
        caller_phone="+15550000666",
    )
    await store.confirm((await store.reserve(strangers)).appointment.appointment_id)
    names = await clean_pool.fetch("select phone, name from customers order by phone")
    assert [(r["phone"], r["name"]) for r in names] == [
        ("+15550000001", "Caller 1"),
        ("+15550000666", "Mallory"),
    ]
    owned = await store.find_owned("test-dental", Owner("+15550000001"), EARLIER)
    assert [a.appointment_id for a in owned] == ["apt_test1"]
    name, upcoming = await store.caller("test-dental", "+15550000001", EARLIER)
    assert (name, upcoming and upcoming.appointment_id) == ("Caller 1", "apt_test1")
    by_contact = Owner(None, phone="+15550000001", name_key="mallory")
    assert [
        a.appointment_id for a in await store.find_owned("test-dental", by_contact, EARLIER)
    ] == ["apt_test2"]
    unknown_caller = replace(booking(3, start=NINE + timedelta(hours=4)), caller_phone=None)
    await store.reserve(unknown_caller)
    assert await store.caller("test-dental", "+15550000003", EARLIER) == (None, None)


async def test_unsettled_rows_are_claimed_once_per_grace(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    await store.reserve(booking(1))
    assert await store.claim_unsettled("test-dental", 60, 10) == []  # still within its grace
    await clean_pool.execute("update appointments set updated_at = now() - interval '2 minutes'")
    assert await store.claim_unsettled("other-business", 60, 10) == []
    claimed = await store.claim_unsettled("test-dental", 60, 10)
    assert [a.appointment_id for a in claimed] == ["apt_test1"]
    assert await store.claim_unsettled("test-dental", 60, 10) == []  # leased


async def test_the_database_refuses_overlaps_even_without_the_application(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    await store.reserve(booking(1))
    with pytest.raises(asyncpg.exceptions.ExclusionViolationError):
        await clean_pool.execute(
            "insert into appointments (id, business_id, calendar_id, service, starts_at, ends_at,"
            " blocked, customer_name) select 'apt_raw', business_id, calendar_id, service,"
            " starts_at + interval '30 minutes', ends_at + interval '30 minutes',"
            " tstzrange(starts_at + interval '30 minutes', ends_at + interval '30 minutes'),"
            " 'Raw SQL' from appointments limit 1"
        )
