"""Staff on Google Calendar (the stand-in on loopback): one freeBusy request covers everyone a
search needs, and a booking lands in that person's calendar only."""

from __future__ import annotations

from dataclasses import replace

import asyncpg

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.business import Business
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from agent_tools.staff import StaffMember
from app.db.appointments import PostgresAppointmentStore
from calendar_adapter.google import GoogleCalendar
from tests.conftest import NOW
from tests.fakes.google_calendar import FakeGoogle

CALL = CallContext(call_id="call_g", from_number="+15551230000")


def on_google(clinic: Business, google: GoogleCalendar, pool: asyncpg.Pool) -> Deps:
    return Deps(clinic, google, PostgresAppointmentStore(pool), clock=lambda: NOW)


def free_busy_requests(fake: FakeGoogle) -> int:
    return sum(1 for route, _ in fake.requests if route == "freeBusy")


async def test_anyone_across_every_person_is_one_free_busy_request(
    clinic: Business, google: GoogleCalendar, fake_google: FakeGoogle, clean_pool: asyncpg.Pool
) -> None:
    for member in clinic.staff:
        fake_google.events[member.calendar_id] = {}
    deps = on_google(clinic, google, clean_pool)
    reply = await find_slots(FindSlotsArgs(service="Checkup", when="2027-03-11"), CALL, deps)
    assert reply.slots
    assert free_busy_requests(fake_google) == 1


async def test_sixty_people_are_searched_in_two_requests_within_googles_limit(
    clinic: Business, google: GoogleCalendar, fake_google: FakeGoogle, clean_pool: asyncpg.Pool
) -> None:
    team = tuple(
        StaffMember(f"p{i}", f"Person {i}", f"p{i}@clinic.test", aliases=(f"Person {i}",))
        for i in range(60)
    )
    for member in team:
        fake_google.events[member.calendar_id] = {}
    deps = on_google(replace(clinic, staff=team, rooms=()), google, clean_pool)
    reply = await find_slots(FindSlotsArgs(service="Checkup", when="2027-03-11"), CALL, deps)
    assert reply.slots
    assert free_busy_requests(fake_google) == 2


async def test_a_named_booking_writes_only_to_that_persons_google_calendar(
    clinic: Business, google: GoogleCalendar, fake_google: FakeGoogle, clean_pool: asyncpg.Pool
) -> None:
    for member in clinic.staff:
        fake_google.events[member.calendar_id] = {}
    deps = on_google(clinic, google, clean_pool)
    offered = await find_slots(
        FindSlotsArgs(service="Checkup", when="2027-03-11", staff="Dr Patel"), CALL, deps
    )
    await book_appointment(
        BookAppointmentArgs(name="Ada Lovelace", slot_id=offered.slots[0].slot_id), CALL, deps
    )
    sizes = {c: len(events) for c, events in fake_google.events.items()}
    assert sizes == {"maya@clinic.test": 1, "sam@clinic.test": 0, "lena@clinic.test": 0}
    assert fake_google.violations == []
