"""find_slots over the real store (Postgres) and the local calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.errors import TooFarAhead, TooSoon, UnclearTime, UnknownService
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import Booking, CallContext, Deps
from calendar_adapter.protocol import NewEvent

NY = ZoneInfo("America/New_York")
CALL = CallContext(call_id="call_1", from_number="+15551230000")


async def test_earliest_availability_respects_notice_and_spreads_the_options(deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(
            service="Cleaning",
        ),
        CALL,
        deps,
    )
    starts = [datetime.fromisoformat(s.start) for s in reply.slots]
    # Now is Wednesday 10:00 with 60 minutes notice: 11:00 first, then the afternoon, then
    # Thursday morning.
    assert [s.strftime("%a %H:%M") for s in starts] == ["Wed 11:00", "Wed 12:00", "Thu 09:00"]
    assert reply.slots[0].start == "2027-03-10T11:00:00-05:00"
    assert reply.slots[0].spoken == "today at 11 AM"
    assert (
        reply.message == "I have today at 11 AM or noon, or tomorrow at 9 AM. Which would you like?"
    )


async def test_a_date_searches_that_day_and_reports_the_window(deps: Deps) -> None:
    reply = await find_slots(FindSlotsArgs(when="2027-03-15", service="checkup"), CALL, deps)
    assert reply.window is not None
    assert (reply.window.start, reply.window.end) == (
        "2027-03-15T00:00:00-04:00",
        "2027-03-16T00:00:00-04:00",
    )
    assert reply.service == "Checkup"
    assert [s.start for s in reply.slots] == [
        "2027-03-15T09:00:00-04:00",
        "2027-03-15T11:30:00-04:00",
        "2027-03-15T13:00:00-04:00",
    ]


async def test_calendar_events_are_busy_time(deps: Deps) -> None:
    await deps.calendar.create_event(
        "primary",
        NewEvent(
            "staffmeeting1",
            datetime(2027, 3, 11, 9, tzinfo=NY),
            datetime(2027, 3, 11, 12, tzinfo=NY),
            "Staff meeting",
            "",
            "",
        ),
    )
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-11", limit=1), CALL, deps
    )
    assert reply.slots[0].start == "2027-03-11T12:00:00-05:00"


async def test_a_closed_day_offers_the_nearest_openings(deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-19"), CALL, deps
    )  # a closure
    assert reply.ok and reply.slots == []
    assert [a.start for a in reply.alternatives] == [
        "2027-03-18T16:00:00-04:00",
        "2027-03-22T09:00:00-04:00",
        "2027-03-22T13:00:00-04:00",
    ]
    assert reply.message.startswith("I don't have anything open on Friday, March 19.")


async def test_limit_caps_the_options(deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-16", limit=5), CALL, deps
    )
    assert len(reply.slots) == 5
    assert len({s.slot_id for s in reply.slots}) == 5


@pytest.mark.parametrize(
    ("when", "error"),
    [("2027-03-09", TooSoon), ("2027-06-01", TooFarAhead), ("someday maybe", UnclearTime)],
)
async def test_unusable_windows_get_a_speakable_error(
    deps: Deps, when: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await find_slots(FindSlotsArgs(service="Cleaning", when=when), CALL, deps)


async def test_an_unknown_service_lists_the_real_ones(deps: Deps) -> None:
    with pytest.raises(UnknownService, match="We offer Cleaning or Checkup"):
        await find_slots(FindSlotsArgs(service="massage"), CALL, deps)


async def test_the_window_resolves_against_the_call_start(deps: Deps) -> None:
    earlier = CallContext(started_at=datetime(2027, 3, 10, 14, tzinfo=NY) - timedelta(days=0))
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-12T14:00"), earlier, deps
    )
    assert reply.slots[0].start == "2027-03-12T14:00:00-05:00"


async def test_a_spoken_phrase_searches_only_what_it_says(deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="next Tuesday after lunch"), CALL, deps
    )
    assert reply.window is not None
    assert reply.window.start == "2027-03-16T13:30:00-04:00"
    starts = [datetime.fromisoformat(s.start) for s in reply.slots]
    assert starts
    assert all(
        s.date().isoformat() == "2027-03-16" and s.hour * 60 + s.minute >= 13 * 60 + 30
        for s in starts
    )
    assert reply.message.startswith("I have Tuesday, March 16 at 1:30 PM")


async def test_a_daily_span_over_several_days_keeps_to_those_hours(deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="sometime next week in the afternoon", limit=5),
        CALL,
        deps,
    )
    starts = [datetime.fromisoformat(s.start) for s in reply.slots]
    assert len(starts) == 5
    assert all(12 <= s.hour < 17 for s in starts)
    # Monday to Thursday afternoons (Friday the 19th is closed): each day is offered first.
    assert len({s.date() for s in starts}) == 4


async def test_reservations_still_being_booked_are_busy(deps: Deps) -> None:
    store = deps.store
    start = datetime(2027, 3, 11, 9, tzinfo=NY)
    await store.reserve(
        Booking(
            "apt_pending",
            "test-dental",
            "primary",
            "Cleaning",
            start,
            start + timedelta(hours=1),
            start,
            start + timedelta(hours=1, minutes=10),
            "Someone",
            None,
            None,
            None,
            "call_x",
            "fdpending",
        )
    )
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-11", limit=1), CALL, deps
    )
    assert reply.slots[0].start == "2027-03-11T10:15:00-05:00"


async def test_a_day_at_its_appointment_cap_is_not_offered(deps: Deps) -> None:
    capped = replace(deps.business, rules=replace(deps.business.rules, max_per_day=1))
    capped_deps = replace(deps, business=capped)
    booked = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-11", limit=1), CALL, capped_deps
    )
    await book_appointment(
        BookAppointmentArgs(name="Ada", slot_id=booked.slots[0].slot_id), CALL, capped_deps
    )
    after = await find_slots(
        FindSlotsArgs(service="Cleaning", when="2027-03-11"), CALL, capped_deps
    )
    assert after.slots == []
    assert all(not a.start.startswith("2027-03-11") for a in after.alternatives)


async def test_a_stated_window_offers_only_appointments_that_end_within_it(deps: Deps) -> None:
    """ "between 1 and 3": a 60-minute appointment may start at 2:00 at the latest."""
    bounded = await find_slots(
        FindSlotsArgs(service="Cleaning", when="tomorrow between 1 and 3", limit=10), CALL, deps
    )
    open_ended = await find_slots(
        FindSlotsArgs(service="Cleaning", when="tomorrow after 1", limit=10), CALL, deps
    )
    starts = [datetime.fromisoformat(s.start) for s in bounded.slots]
    ends = [datetime.fromisoformat(s.end) for s in bounded.slots]
    assert starts
    assert max(ends) == datetime(2027, 3, 11, 15, tzinfo=NY)
    assert all(
        s.hour >= 13 and e <= datetime(2027, 3, 11, 15, tzinfo=NY)
        for s, e in zip(starts, ends, strict=True)
    )
    later = [datetime.fromisoformat(s.start) for s in open_ended.slots]
    assert any(s > max(starts) and s.hour < 15 for s in later)  # the bound is what cut them


async def test_a_list_of_days_searches_each_of_them(deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="Monday or Tuesday morning", limit=6), CALL, deps
    )
    starts = [datetime.fromisoformat(s.start) for s in reply.slots]
    assert {s.date().isoformat() for s in starts} == {"2027-03-15", "2027-03-16"}
    assert all(s.hour < 12 for s in starts)
    assert starts == sorted(starts)
    assert reply.window is not None
    assert (reply.window.start, reply.window.end) == (
        "2027-03-15T00:00:00-04:00",
        "2027-03-16T12:00:00-04:00",
    )


async def test_an_offset_from_now_still_respects_minimum_notice(deps: Deps) -> None:
    """At 10:00 with an hour's notice, "in 20 minutes" first offers 11:00, not 10:20."""
    reply = await find_slots(FindSlotsArgs(service="Cleaning", when="in 20 minutes"), CALL, deps)
    assert reply.window is not None
    assert reply.window.start == "2027-03-10T10:20:00-05:00"
    assert reply.slots[0].start == "2027-03-10T11:00:00-05:00"


async def test_a_daily_stated_window_bounds_each_days_appointments(deps: Deps) -> None:
    reply = await find_slots(
        FindSlotsArgs(service="Cleaning", when="next week between 1 and 3", limit=10), CALL, deps
    )
    spans = [(datetime.fromisoformat(s.start), datetime.fromisoformat(s.end)) for s in reply.slots]
    assert len({start.date() for start, _ in spans}) > 1
    assert all(start.hour >= 13 and end <= end.replace(hour=15, minute=0) for start, end in spans)
