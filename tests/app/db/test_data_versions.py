"""A business's data versions (supabase/migrations/20261125000100, 20261126000100) move on
exactly when something a search reads changes: what is kept in memory survives a confirmation,
the mirror's busy time survives a booking, and nothing outlives a change to the busy time."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
import pytest

from app.db.appointments import PostgresAppointmentStore
from app.db.versions import DataVersion, postgres_versions
from tests.app.db.test_appointments import NINE, booking

BUSINESS = "test-dental"


@pytest.fixture
async def store(clean_pool: asyncpg.Pool) -> PostgresAppointmentStore:
    await clean_pool.execute("delete from calendar_mirror where business_id = $1", BUSINESS)
    return PostgresAppointmentStore(clean_pool)


async def version(pool: asyncpg.Pool) -> DataVersion:
    return (await postgres_versions(pool)([BUSINESS]))[BUSINESS]


async def mirror(
    pool: asyncpg.Pool, event_id: str, start: datetime, minutes: int, tag: str | None = None
) -> None:
    await pool.execute(
        "insert into calendar_mirror (business_id, calendar_id, event_id, starts_at, ends_at,"
        " appointment_id) values ($1, 'primary', $2, $3, $4, $5)"
        " on conflict (business_id, calendar_id, event_id) do update set"
        " starts_at = excluded.starts_at, ends_at = excluded.ends_at, updated_at = now()",
        BUSINESS,
        event_id,
        start,
        start + timedelta(minutes=minutes),
        tag,
    )


async def test_a_reservation_moves_the_appointments_version_and_its_confirmation_nothing(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    before = await version(clean_pool)
    await store.reserve(booking(1))
    reserved = await version(clean_pool)
    await store.confirm("apt_test1")
    await store.mark_unsynced("apt_test1")
    assert reserved == before._replace(appointments=before.appointments + 1)
    assert await version(clean_pool) == reserved


async def test_cancelling_or_moving_an_appointment_moves_the_version(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    await store.reserve(booking(1))
    await store.confirm("apt_test1")
    booked = await version(clean_pool)
    later = NINE + timedelta(hours=2)
    await store.move(
        "apt_test1",
        later,
        later + timedelta(hours=1),
        (later, later + timedelta(hours=1, minutes=10)),
        calendar_clean=True,
    )
    moved = await version(clean_pool)
    await store.cancel("apt_test1", "caller asked", calendar_clean=True)
    cancelled = await version(clean_pool)
    # Both: either may uncover the appointment's own event in the mirror.
    assert booked.appointments < moved.appointments < cancelled.appointments
    assert booked.mirror < moved.mirror < cancelled.mirror


async def test_our_own_event_reaching_the_mirror_does_not_move_the_version(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    await store.reserve(booking(1))
    await store.confirm("apt_test1")
    booked = await version(clean_pool)
    await mirror(clean_pool, "fdevent1", NINE, 60, tag="apt_test1")
    await mirror(clean_pool, "fdevent1", NINE, 60, tag="apt_test1")  # synced again, unchanged
    assert await version(clean_pool) == booked


@pytest.mark.parametrize(
    ("event_id", "start", "minutes", "tag"),
    [
        ("staff1", NINE, 30, None),  # a staff event, even inside an appointment's time
        ("fdevent1", NINE, 120, "apt_test1"),  # our event, but longer than its appointment
        ("fdevent9", NINE, 60, "apt_unknown"),  # tagged for an appointment we do not have
    ],
)
async def test_any_other_busy_event_reaching_the_mirror_moves_the_mirrors_version(
    store: PostgresAppointmentStore,
    clean_pool: asyncpg.Pool,
    event_id: str,
    start: datetime,
    minutes: int,
    tag: str | None,
) -> None:
    await store.reserve(booking(1))
    booked = await version(clean_pool)
    await mirror(clean_pool, event_id, start, minutes, tag=tag)
    assert await version(clean_pool) == booked._replace(mirror=booked.mirror + 1)


async def test_an_event_moved_or_removed_in_the_mirror_moves_the_mirrors_version(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    await store.reserve(booking(1))
    await mirror(clean_pool, "fdevent1", NINE, 60, tag="apt_test1")
    kept = await version(clean_pool)
    await mirror(clean_pool, "fdevent1", NINE + timedelta(hours=3), 60, tag="apt_test1")
    moved = await version(clean_pool)
    await clean_pool.execute("delete from calendar_mirror where event_id = 'fdevent1'")
    removed = await version(clean_pool)
    assert kept.mirror < moved.mirror < removed.mirror
    assert kept.appointments == moved.appointments == removed.appointments


async def test_cancelling_an_appointment_whose_event_is_still_mirrored_moves_both_versions(
    store: PostgresAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    """The event arrived inside the appointment's time without moving the mirror's version; a
    mirror copy kept from before it arrived lacks it, and once the appointment no longer
    covers it, that copy must not be used."""
    await store.reserve(booking(1))
    await mirror(clean_pool, "fdevent1", NINE, 60, tag="apt_test1")
    kept = await version(clean_pool)
    await store.release("apt_test1", "calendar_unavailable", calendar_clean=False)
    released = await version(clean_pool)
    assert released.appointments > kept.appointments and released.mirror > kept.mirror
