"""A search's answer holds beyond the minute it was asked in (agent_tools/find_slots.py:
``Answer``): asked again later the same day, with the same data, it is the very same reply for
as long as the answer says, so the app may keep it that long. A property over random busy
time, people, rooms, words and moments, DST days included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agent_tools.availability import Interval, merge, utc_seconds
from agent_tools.business import Business
from agent_tools.errors import ToolError
from agent_tools.find_slots import Answer, FindSlotsArgs, FindSlotsReply, find_slots
from agent_tools.minute import Minute
from agent_tools.ports import CallContext, Deps
from agent_tools.search import Lane
from app.business_config import load_business
from tests.conftest import FIXTURES

T = TypeVar("T")
DENTAL = load_business(FIXTURES / "business.toml")
CLINIC = load_business(FIXTURES / "clinic.toml")
# An ordinary Wednesday, the Saturday before the clocks go forward, the day they do (a Sunday)
# and the Monday after, the day they go back (a Sunday, 1:00-2:00 twice), and its Friday.
DAYS = [date(2027, 3, 10), date(2027, 3, 13), date(2027, 3, 14), date(2027, 3, 15)]
DAYS += [date(2027, 11, 5), date(2027, 11, 7)]
WORDS = [None, "today", "tomorrow morning", "this afternoon", "next Tuesday after lunch"]
WORDS += ["friday around 2", "between 1 and 3", "this week", "in 2 hours", "at 4", "at 11"]
WORDS += ["Monday or Friday", "today before noon", "today after 3", "at 9 or at 2"]


class _Unused:
    """The calendar and the store: the busy time comes from the memo below."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the search read {name} itself")


class _World:
    """A memo serving the same busy time for every load, computing everything else afresh,
    and keeping the last answer it computed."""

    def __init__(
        self,
        business: Business,
        busy: dict[str, list[Interval]],
        rooms: dict[str, list[Interval]],
    ) -> None:
        self.members = {m.id: m for m in business.team}
        self.busy, self.rooms = busy, rooms
        self.answer: Answer | None = None

    async def recall(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        holds: Callable[[T], bool] | None = None,
    ) -> T:
        assert isinstance(key, tuple)
        if key[0] == "busy":
            people, units = key[1], key[2]
            lanes = tuple(Lane(self.members[m_id], self.busy[m_id]) for m_id, _ in people)
            loaded: Any = (lanes, tuple((unit, self.rooms[unit]) for unit in units))
            return loaded  # type: ignore[no-any-return]
        answer = await compute()
        if isinstance(answer, Answer):
            self.answer = answer
        return answer

    def last(self, key: Hashable) -> object | None:
        return None


def _deps(business: Business, world: _World, now: datetime) -> Deps:
    return Deps(business, _Unused(), _Unused(), clock=lambda: now, memo=world)


def _local(day: date, seconds: int, zone: ZoneInfo) -> datetime:
    """An instant ``seconds`` of real time after the local day's start (so each instant of a
    day of 23 or 25 hours is reachable, both 1:30s of a fold included)."""
    start = datetime.combine(day, time(0)).replace(tzinfo=zone)
    return datetime.fromtimestamp(start.timestamp() + seconds, zone)


def _busy_spans(day_start: int) -> st.SearchStrategy[list[Interval]]:
    """Scattered busy time over the next days, often after a run of days booked solid (to
    the booking horizon, at times: what is left is a few times at its edge)."""
    span = st.tuples(st.integers(0, 62 * 86_400), st.integers(15 * 60, 8 * 3600))
    scattered = st.lists(span, max_size=25)
    solid = st.one_of(
        st.just(0), st.integers(0, 62 * 86_400), st.integers(58 * 86_400, 62 * 86_400)
    )
    return st.tuples(solid, scattered).map(
        lambda drawn: merge(
            [
                (day_start - 86_400, day_start + drawn[0]),
                *((day_start + s, day_start + s + length) for s, length in drawn[1]),
            ]
        )
    )


@st.composite
def _case(draw: st.DrawFn) -> tuple[Business, _World, FindSlotsArgs, datetime, float]:
    business = draw(st.sampled_from([DENTAL, CLINIC]))
    zone = business.timezone
    day = draw(st.sampled_from(DAYS))
    day_start = utc_seconds(_local(day, 0, zone))
    service = draw(st.sampled_from(business.services))
    able = [m for m in business.team if m.does(service)]
    named = draw(st.sampled_from([None, *(m for m in able if not m.implicit)]))
    busy = {m.id: draw(_busy_spans(day_start)) for m in business.team}
    units = [unit for room in business.rooms for unit in room.units]
    rooms = {unit: draw(_busy_spans(day_start)) for unit in units}
    args = FindSlotsArgs(
        service=service.name,
        staff=named.name if named is not None else None,
        when=draw(st.sampled_from(WORDS)),
        limit=draw(st.integers(1, 5)),
    )
    length = int((_local(day + timedelta(days=1), 0, zone) - _local(day, 0, zone)).total_seconds())
    daytime = st.integers(6 * 3600, 17 * 3600)  # when most calls come
    asked = _local(day, draw(st.one_of(st.integers(0, length - 1), daytime)), zone)
    return business, _World(business, busy, rooms), args, asked, draw(st.floats(0, 1))


async def _reply(
    business: Business, world: _World, args: FindSlotsArgs, heard: datetime, now: datetime
) -> FindSlotsReply | str:
    try:
        return await find_slots(args, CallContext(started_at=heard), _deps(business, world, now))
    except ToolError as error:
        return f"{type(error).__name__}: {error}"


def _latest_asked(business: Business, asked: datetime, answer: Answer) -> datetime | None:
    """The latest instant of ``asked``'s local day whose minute the answer holds for."""
    notice = business.rules.min_notice
    # An instant inside a minute counts notice from the minute's end: the last minute that
    # holds starts a minute and the notice before the answer's last notice start.
    last = datetime.fromtimestamp(answer.last_not_before, asked.tzinfo) - notice
    candidates = [last - timedelta(seconds=1), last]  # the minute before; exactly on one
    held = [
        c
        for c in candidates
        if c >= asked
        and business.today(c) == business.today(asked)
        and answer.holds(Minute.of(c).not_before(notice))
    ]
    end_of_day = _local(business.today(asked) + timedelta(days=1), -1, business.timezone)
    if end_of_day >= asked and answer.holds(Minute.of(end_of_day).not_before(notice)):
        held.append(end_of_day)
    return max(held) if held else None


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case())
async def test_a_kept_answer_is_the_reply_of_every_later_minute_it_holds_for(
    case: tuple[Business, _World, FindSlotsArgs, datetime, float],
) -> None:
    business, world, args, asked, fraction = case
    first = await _reply(business, world, args, asked, asked)
    assume(isinstance(first, FindSlotsReply))
    answer = world.answer
    assert answer is not None and answer.reply == first
    latest = _latest_asked(business, asked, answer)
    assume(latest is not None)
    assert latest is not None
    between = asked + (latest - asked) * fraction
    for later in (latest, between):
        assert await _reply(business, world, args, asked, later) == first, later


async def test_a_later_minute_the_answer_does_not_hold_for_can_differ() -> None:
    """The bound is not loose by a minute: a minute past it, the earliest time is too soon."""
    world = _World(DENTAL, {m.id: [] for m in DENTAL.team}, {})
    asked = datetime(2027, 3, 10, 10, 5, 20, tzinfo=DENTAL.timezone)
    args = FindSlotsArgs(service="Checkup")
    first = await _reply(DENTAL, world, args, asked, asked)
    assert isinstance(first, FindSlotsReply) and world.answer is not None
    latest = _latest_asked(DENTAL, asked, world.answer)
    assert latest is not None
    assert await _reply(DENTAL, world, args, asked, latest) == first
    past = await _reply(DENTAL, world, args, asked, latest + timedelta(minutes=1))
    assert isinstance(past, FindSlotsReply)
    assert past.slots[0].start != first.slots[0].start
