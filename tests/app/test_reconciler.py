"""Failure in the middle of a booking, and the reconciler bringing calendar and database back
into agreement: no phantom events, no appointment without its event."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.errors import CalendarUnavailable
from agent_tools.ports import Appointment, CallContext, Deps, StoreUnavailableError
from app.db.appointments import PostgresAppointmentStore
from app.reconciler import reconcile_once
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import CalendarUnavailableError, NewEvent

NY = ZoneInfo("America/New_York")
CALL = CallContext(call_id="call_1", from_number="+14155550123")
ARGS = BookAppointmentArgs(service="Cleaning", name="Ada Lovelace", start="2027-03-11T09:00")


async def agree(deps: Deps, pool: asyncpg.Pool) -> list[tuple[str, bool]]:
    """After reconciling: every booked row has its event at its time, no other row has one."""
    # A fresh calendar reads the file as a restarted process would.
    await reconcile_once(deps.store, LocalCalendar(deps_path(deps)), deps.business, grace_seconds=0)
    calendar = LocalCalendar(deps_path(deps))
    states = []
    for row in await pool.fetch(
        "select id, status, starts_at, ends_at, calendar_event_id,"
        " calendar_synced from appointments"
    ):
        times = await calendar.event_times("primary", row["calendar_event_id"])
        if row["status"] == "booked":
            assert times == (row["starts_at"], row["ends_at"])
        else:
            assert times is None
        assert row["calendar_synced"]
        states.append((row["status"], times is not None))
    return states


def deps_path(deps: Deps) -> Path:
    assert isinstance(deps.calendar, LocalCalendar)
    return deps.calendar._path


class LandsThenTimesOut(LocalCalendar):
    async def create_event(self, calendar_id: str, event: NewEvent) -> None:
        await super().create_event(calendar_id, event)
        raise CalendarUnavailableError("timeout after the write")


class Hangs(LocalCalendar):
    async def create_event(self, calendar_id: str, event: NewEvent) -> None:
        await super().create_event(calendar_id, event)
        await asyncio.Event().wait()


class ConfirmFails(PostgresAppointmentStore):
    async def confirm(self, appointment_id: str) -> Appointment | None:
        raise StoreUnavailableError("connection lost")


async def test_calendar_failing_after_the_database_write(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    broken = replace(deps, calendar=LandsThenTimesOut(deps_path(deps)))
    with pytest.raises(CalendarUnavailable, match="not booked"):
        await book_appointment(ARGS, CALL, broken)
    assert await agree(deps, clean_pool) == [("cancelled", False)]


async def test_database_failing_after_the_calendar_write(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    broken = replace(deps, store=ConfirmFails(clean_pool))
    with pytest.raises(StoreUnavailableError):
        await book_appointment(ARGS, CALL, broken)
    assert await agree(deps, clean_pool) == [("cancelled", False)]


async def test_a_process_killed_between_steps(deps: Deps, clean_pool: asyncpg.Pool) -> None:
    hanging = replace(deps, calendar=Hangs(deps_path(deps)))
    task = asyncio.create_task(book_appointment(ARGS, CALL, hanging))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await clean_pool.fetchval("select status from appointments") == "pending"
    assert await agree(deps, clean_pool) == [("cancelled", False)]
    retried = await book_appointment(ARGS, CALL, deps)  # the caller's retry books it for real
    assert retried.appointment.status == "booked"


async def test_an_event_deleted_out_from_under_a_booking_comes_back(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    reply = await book_appointment(ARGS, CALL, deps)
    row = await clean_pool.fetchrow("select calendar_event_id from appointments")
    await deps.calendar.delete_event("primary", row["calendar_event_id"])
    await deps.store.mark_unsynced(reply.appointment.appointment_id)
    assert await agree(deps, clean_pool) == [("booked", True)]


async def test_a_moved_row_moves_its_event(deps: Deps, clean_pool: asyncpg.Pool) -> None:
    reply = await book_appointment(ARGS, CALL, deps)
    ten = datetime(2027, 3, 11, 10, tzinfo=NY)
    eleven = datetime(2027, 3, 11, 11, tzinfo=NY)
    await deps.store.move(
        reply.appointment.appointment_id, ten, eleven, (ten, eleven), calendar_clean=False
    )
    assert await agree(deps, clean_pool) == [("booked", True)]


async def test_rows_within_their_grace_are_left_alone(deps: Deps, clean_pool: asyncpg.Pool) -> None:
    broken = replace(deps, store=ConfirmFails(clean_pool))
    with pytest.raises(StoreUnavailableError):
        await book_appointment(ARGS, CALL, broken)
    settled = await reconcile_once(deps.store, deps.calendar, deps.business, grace_seconds=60)
    assert settled == 0
    assert await clean_pool.fetchval("select status from appointments") == "pending"
