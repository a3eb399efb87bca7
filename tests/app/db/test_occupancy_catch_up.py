"""A kept copy of our appointments' busy time is brought up to date on every instance by the
appointments changed since it was read (migration 20261127000100, app/db/kept_occupancy.py),
and always says what a full read says."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import asyncpg
import pytest

from agent_tools.ports import Occupancy, Placement
from app.db.appointments import PostgresAppointmentStore
from app.db.span_cache import SpanCache
from app.db.versions import VersionReader, postgres_versions
from tests.app.db.test_appointments import NINE, booking

BUSINESS = "test-dental"
PEOPLE = ["maya@x", "lena@x"]
UNITS = ["suite#1", "suite#2"]
WINDOW = (NINE - timedelta(days=2), NINE + timedelta(days=30))


def instance(pool: asyncpg.Pool) -> tuple[PostgresAppointmentStore, SpanCache]:
    """One app instance's store, with its own kept busy time."""
    cache = SpanCache(VersionReader(postgres_versions(pool)).read)
    return PostgresAppointmentStore(pool, cache), cache


async def searched(store: PostgresAppointmentStore) -> Occupancy:
    return await store.occupancy(BUSINESS, PEOPLE, UNITS, *WINDOW)


@pytest.fixture
async def truth(clean_pool: asyncpg.Pool) -> PostgresAppointmentStore:
    """What a full read says (no kept copy)."""
    return PostgresAppointmentStore(clean_pool)


async def test_another_instances_booking_move_and_cancellation_reach_the_kept_copy_as_changes(
    clean_pool: asyncpg.Pool, truth: PostgresAppointmentStore
) -> None:
    writer, _ = instance(clean_pool)
    reader, cache = instance(clean_pool)
    await writer.reserve(replace(booking(1, calendar="maya@x"), room_unit="suite#1"))
    await writer.confirm("apt_test1")
    first = await searched(reader)
    assert [len(first.calendars[p]) for p in PEOPLE] == [1, 0]

    await writer.reserve(replace(booking(2, NINE + timedelta(hours=2), calendar="lena@x")))
    await writer.confirm("apt_test2")
    assert await searched(reader) == await searched(truth)
    later = NINE + timedelta(hours=5)
    blocked = (later, later + timedelta(hours=1))
    assert await writer.move(
        "apt_test1", *blocked, blocked, calendar_clean=False, place=Placement("lena@x", None)
    )
    moved = await searched(reader)
    assert moved == await searched(truth)
    assert (len(moved.calendars["maya@x"]), len(moved.calendars["lena@x"])) == (0, 2)
    assert moved.rooms["suite#1"] == []  # the move left the room unit behind
    assert await writer.cancel("apt_test2", "caller", calendar_clean=False)
    cancelled = await searched(reader)
    assert cancelled == await searched(truth)
    assert cancelled.calendars["lena@x"] == [
        (int(later.timestamp()), int((later + timedelta(hours=1)).timestamp()))
    ]
    assert (cache.misses, cache.caught_up) == (1, 3)  # one full read, then only changes


async def test_a_confirmation_moves_nothing_and_the_copy_is_served_as_it_is(
    clean_pool: asyncpg.Pool,
) -> None:
    writer, _ = instance(clean_pool)
    reader, cache = instance(clean_pool)
    await writer.reserve(booking(1, calendar="maya@x"))
    await searched(reader)
    await writer.confirm("apt_test1")
    await searched(reader)
    assert (cache.misses, cache.hits, cache.caught_up) == (1, 1, 0)


async def test_a_deleted_appointment_makes_the_kept_copy_read_in_full(
    clean_pool: asyncpg.Pool, truth: PostgresAppointmentStore
) -> None:
    writer, _ = instance(clean_pool)
    reader, cache = instance(clean_pool)
    await writer.reserve(booking(1, calendar="maya@x"))
    await writer.reserve(booking(2, NINE + timedelta(hours=2), calendar="maya@x"))
    await searched(reader)
    await clean_pool.execute("delete from appointments where id = 'apt_test1'")
    after = await searched(reader)
    assert after == await searched(truth) and len(after.calendars["maya@x"]) == 1
    assert (cache.misses, cache.caught_up) == (2, 0)
    await writer.reserve(booking(3, NINE + timedelta(hours=4), calendar="maya@x"))
    assert await searched(reader) == await searched(truth)
    assert (cache.misses, cache.caught_up) == (2, 1)  # a later change is read as a change again


async def test_each_change_is_stamped_with_the_version_it_moved_to(
    clean_pool: asyncpg.Pool,
) -> None:
    writer, _ = instance(clean_pool)
    await writer.reserve(booking(1, calendar="maya@x"))
    await writer.reserve(booking(2, NINE + timedelta(hours=2), calendar="maya@x"))
    await writer.confirm("apt_test1")
    assert await writer.cancel("apt_test1", "caller", calendar_clean=False)
    stamps = dict(await clean_pool.fetch("select id, changed_in from appointments"))
    version = await clean_pool.fetchval(
        "select version from data_versions where business_id = $1", BUSINESS
    )
    assert stamps["apt_test1"] == version and stamps["apt_test2"] == version - 1


async def test_a_change_leaves_the_other_calendars_kept_lists_the_very_same_objects(
    clean_pool: asyncpg.Pool,
) -> None:
    # agent_tools/busy.py keeps a person's merged lane while its sources are the same objects
    writer, _ = instance(clean_pool)
    reader, _ = instance(clean_pool)
    await writer.reserve(booking(1, calendar="maya@x"))
    first = await searched(reader)
    await writer.reserve(booking(2, NINE + timedelta(hours=2), calendar="lena@x"))
    second = await searched(reader)
    assert second.calendars["maya@x"] is first.calendars["maya@x"]
    assert second.calendars["lena@x"] is not first.calendars["lena@x"]
    assert len(second.calendars["lena@x"]) == 1
