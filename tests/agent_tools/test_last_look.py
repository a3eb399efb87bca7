"""The last look before a booking or a move (agent_tools/last_look.py): searches read the
calendar mirror; a booking asks Google itself, over the days around the start, and only when
the mirror says the time is free. Google here is the stand-in on loopback; the mirror is the
real one in Postgres, written the way sync writes it (a lease, then the changes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.business import Business
from agent_tools.change_appointment import RescheduleAppointmentArgs, reschedule_appointment
from agent_tools.errors import SlotTaken
from agent_tools.ports import CallContext, Deps
from app.db.appointments import PostgresAppointmentStore
from app.db.calendar_mirror import PostgresMirror
from calendar_adapter.google import EventChange, GoogleCalendar
from tests.conftest import NOW
from tests.fakes.google_calendar import FakeGoogle

CALL = CallContext(call_id="call_look", from_number="+15551230000")
NEW_YORK = ZoneInfo("America/New_York")
TEN = datetime(2027, 3, 11, 10, 0, tzinfo=NEW_YORK)


async def synced(
    pool: asyncpg.Pool, clinic: Business, events: dict[str, list[EventChange]] | None = None
) -> PostgresMirror:
    """The mirror as a sync just left it: every staff calendar listed in full (``events``,
    else nothing), whatever Google holds since."""
    mirror = PostgresMirror(pool, clinic.id, fresh_seconds=600)
    for calendar in clinic.busy_calendar_ids:
        assert await mirror.lease(calendar)
        changes = (events or {}).get(calendar, [])
        await mirror.save(calendar, changes, "token", full=True)
    return mirror


@pytest.fixture
async def deps(
    clinic: Business, google: GoogleCalendar, fake_google: FakeGoogle, clean_pool: asyncpg.Pool
) -> Deps:
    for member in clinic.staff:
        fake_google.events[member.calendar_id] = {}
    google.mirror = await synced(clean_pool, clinic)
    return Deps(clinic, google, PostgresAppointmentStore(clean_pool), clock=lambda: NOW)


def staff_edit(
    fake: FakeGoogle, start: datetime, minutes: int, calendar: str = "maya@clinic.test"
) -> None:
    fake.put_event(
        calendar,
        {
            "id": "staffedit1",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(minutes=minutes)).isoformat()},
        },
    )


def maya_at(start: datetime) -> BookAppointmentArgs:
    return BookAppointmentArgs(
        name="Ada Lovelace", service="Checkup", staff="Maya", start=start.isoformat()[:16]
    )


async def test_a_staff_edit_not_yet_in_the_mirror_still_stops_the_booking(
    deps: Deps, fake_google: FakeGoogle, clean_pool: asyncpg.Pool
) -> None:
    staff_edit(fake_google, TEN, 60)  # in Google; sync has not brought it yet
    with pytest.raises(SlotTaken) as refused:
        await book_appointment(maya_at(TEN), CALL, deps)
    offered = [a["start"] for a in refused.value.details["alternatives"]]
    assert offered and not any(o.startswith("2027-03-11T10:") for o in offered)
    assert await clean_pool.fetchval("select count(*) from appointments") == 0
    assert list(fake_google.events["maya@clinic.test"]) == ["staffedit1"]


async def test_a_time_the_mirror_shows_taken_is_refused_without_asking_google(
    deps: Deps,
    clinic: Business,
    google: GoogleCalendar,
    fake_google: FakeGoogle,
    clean_pool: asyncpg.Pool,
) -> None:
    taken = EventChange("staff9", False, TEN, TEN + timedelta(hours=1), True, None)
    google.mirror = await synced(clean_pool, clinic, {"maya@clinic.test": [taken]})
    with pytest.raises(SlotTaken):
        await book_appointment(maya_at(TEN), CALL, deps)
    assert fake_google.free_busy_windows == []


async def test_a_free_time_is_confirmed_with_one_look_at_the_days_around_it(
    deps: Deps, fake_google: FakeGoogle
) -> None:
    reply = await book_appointment(maya_at(TEN), CALL, deps)
    assert reply.appointment.start == TEN.isoformat()
    day = timedelta(days=1)
    assert fake_google.free_busy_windows == [(TEN - day, TEN + timedelta(minutes=30) + day)]


async def test_a_move_overlapping_its_own_event_is_not_blocked_by_that_event(
    deps: Deps, fake_google: FakeGoogle
) -> None:
    booked = await book_appointment(maya_at(TEN), CALL, deps)
    later = TEN + timedelta(minutes=15)
    moved = await reschedule_appointment(
        RescheduleAppointmentArgs(
            appointment_id=booked.appointment.appointment_id, start=later.isoformat()[:16]
        ),
        CALL,
        deps,
    )
    assert moved.appointment.start == later.isoformat()
    assert len(fake_google.free_busy_windows) == 2  # the booking's look and the move's


async def test_anyone_is_booked_with_whoever_the_calendars_still_show_free(
    deps: Deps, fake_google: FakeGoogle
) -> None:
    lena_busier = BookAppointmentArgs(
        name="Bo Lindqvist", service="Checkup", staff="Lena", start="2027-03-12T14:00"
    )
    await book_appointment(lena_busier, CallContext("call_other", "+15551239876"), deps)
    # Fairness would now pick Maya or Sam; Google says both are taken since the last sync.
    staff_edit(fake_google, TEN, 60, "maya@clinic.test")
    staff_edit(fake_google, TEN - timedelta(minutes=15), 30, "sam@clinic.test")
    reply = await book_appointment(
        BookAppointmentArgs(name="Ada Lovelace", service="Checkup", start="2027-03-11T10:00"),
        CALL,
        deps,
    )
    assert reply.appointment.staff is not None and reply.appointment.staff.name == "Lena Ruiz"
    assert len(fake_google.events["lena@clinic.test"]) == 2


async def test_an_event_on_the_teams_calendar_not_yet_in_the_mirror_stops_the_booking(
    deps: Deps, google: GoogleCalendar, fake_google: FakeGoogle, clean_pool: asyncpg.Pool
) -> None:
    """The business's extra busy calendars (closures, team events) keep everyone busy, in the
    live look as in the search."""
    team = replace(deps.business, extra_busy_calendars=("team@clinic.test",))
    fake_google.events["team@clinic.test"] = {}
    google.mirror = await synced(clean_pool, team)
    staff_edit(fake_google, TEN, 60, "team@clinic.test")  # in Google; not yet synced
    with pytest.raises(SlotTaken) as refused:
        await book_appointment(maya_at(TEN), CALL, replace(deps, business=team))
    offered = [a["start"] for a in refused.value.details["alternatives"]]
    assert offered and not any(o.startswith("2027-03-11T10:") for o in offered)
    assert await clean_pool.fetchval("select count(*) from appointments") == 0
