"""find_slots over the real store (Postgres) and the local calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent_tools.errors import TooFarAhead, TooSoon, UnclearTime, UnknownService
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from calendar_adapter.protocol import NewEvent

NY = ZoneInfo("America/New_York")
CALL = CallContext(call_id="call_1", from_number="+15551230000")


async def test_earliest_availability_respects_notice_and_spreads_the_options(deps: Deps) -> None:
    reply = await find_slots(FindSlotsArgs(), CALL, deps)
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
    reply = await find_slots(FindSlotsArgs(when="2027-03-11", limit=1), CALL, deps)
    assert reply.slots[0].start == "2027-03-11T12:00:00-05:00"


async def test_a_closed_day_offers_the_nearest_openings(deps: Deps) -> None:
    reply = await find_slots(FindSlotsArgs(when="2027-03-19"), CALL, deps)  # a closure
    assert reply.ok and reply.slots == []
    assert [a.start for a in reply.alternatives] == [
        "2027-03-18T16:00:00-04:00",
        "2027-03-22T09:00:00-04:00",
        "2027-03-22T13:00:00-04:00",
    ]
    assert reply.message.startswith("I don't have anything open on Friday, March 19.")


async def test_limit_caps_the_options(deps: Deps) -> None:
    reply = await find_slots(FindSlotsArgs(when="2027-03-16", limit=5), CALL, deps)
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
        await find_slots(FindSlotsArgs(when=when), CALL, deps)


async def test_an_unknown_service_lists_the_real_ones(deps: Deps) -> None:
    with pytest.raises(UnknownService, match="We offer Cleaning or Checkup"):
        await find_slots(FindSlotsArgs(service="massage"), CALL, deps)


async def test_the_window_resolves_against_the_call_start(deps: Deps) -> None:
    earlier = CallContext(started_at=datetime(2027, 3, 10, 14, tzinfo=NY) - timedelta(days=0))
    reply = await find_slots(FindSlotsArgs(when="2027-03-12T14:00"), earlier, deps)
    assert reply.slots[0].start == "2027-03-12T14:00:00-05:00"
