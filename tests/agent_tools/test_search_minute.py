"""Searches judged to the minute (agent_tools/minute.py), so the searches of one minute share
one answer (find_slots asks the memo: agent_tools/ports.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.minute import Minute
from agent_tools.ports import CallContext, Deps
from agent_tools.when import resolve_when
from tests.conftest import NOW

T = TypeVar("T")
NY = ZoneInfo("America/New_York")
CALL = CallContext(call_id="call_1", from_number="+15551230000")


class CountingMemo:
    """Keeps every answer by key (while it holds), and counts what was computed."""

    def __init__(self) -> None:
        self.kept: dict[Hashable, Any] = {}
        self.computed: list[Hashable] = []

    async def recall(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        holds: Callable[[T], bool] | None = None,
    ) -> T:
        if key not in self.kept or (holds is not None and not holds(self.kept[key])):
            self.computed.append(key)
            self.kept[key] = await compute()
        answer: T = self.kept[key]
        return answer

    def last(self, key: Hashable) -> object | None:
        return self.kept.get(key)


def kind(key: Hashable) -> Any:
    """What a memo key is for: its first part."""
    assert isinstance(key, tuple)
    return key[0]


def at(deps: Deps, instant: datetime, memo: CountingMemo | None = None) -> Deps:
    return replace(deps, clock=lambda: instant, memo=memo or deps.memo)


def test_an_instant_inside_a_minute_counts_notice_from_the_minute_s_end() -> None:
    minute = Minute.of(datetime(2027, 3, 10, 14, 59, 30, tzinfo=UTC))
    assert minute.start == datetime(2027, 3, 10, 14, 59, tzinfo=UTC)
    assert minute.slack == timedelta(minutes=1)
    exact = Minute.of(datetime(2027, 3, 10, 15, tzinfo=UTC))
    assert exact.slack == timedelta(0) and exact.key != minute.key


def test_the_two_half_past_ones_of_a_dst_fold_are_different_minutes() -> None:
    first = datetime(2027, 11, 7, 1, 30, tzinfo=NY)
    second = first.replace(fold=1)
    assert first == second  # Python's wall-clock equality within one zone
    assert Minute.of(first).key != Minute.of(second).key


def test_the_windows_of_a_fold_s_two_readings_are_told_apart() -> None:
    from agent_tools.when import Window

    first = datetime(2027, 11, 7, 1, 30, tzinfo=NY)
    later = first.replace(fold=1)
    one = Window(first, first + timedelta(hours=1), "then")
    other = Window(later, later + timedelta(hours=1), "then")
    assert one.key != other.key


async def test_nothing_offered_inside_a_minute_is_too_soon_by_its_end(deps: Deps) -> None:
    # Wednesday 10:00 EST with 60 minutes notice: at 10:00:00 exactly 11:00 is offered; half a
    # minute later it is not (by the minute's end it would be less than an hour away).
    exact = await find_slots(FindSlotsArgs(service="Cleaning"), CALL, at(deps, NOW))
    assert exact.slots[0].start == "2027-03-10T11:00:00-05:00"
    later = await find_slots(
        FindSlotsArgs(service="Cleaning"), CALL, at(deps, NOW + timedelta(seconds=30))
    )
    assert later.slots[0].start != "2027-03-10T11:00:00-05:00"
    assert datetime.fromisoformat(later.slots[0].start) >= NOW + timedelta(minutes=61)


async def test_searches_in_one_minute_share_one_answer(deps: Deps) -> None:
    memo = CountingMemo()
    args = FindSlotsArgs(service="Cleaning", when="tomorrow morning")
    first = await find_slots(args, CALL, at(deps, NOW + timedelta(seconds=5), memo))
    again = await find_slots(args, CALL, at(deps, NOW + timedelta(seconds=50), memo))
    assert again == first
    # The words read once, the busy time loaded once, the search answered once.
    assert [kind(key) for key in memo.computed] == ["when", "find_slots", "busy"]


async def test_a_later_minute_of_the_day_gets_the_kept_answer_until_its_first_time_is_too_soon(
    deps: Deps,
) -> None:
    memo = CountingMemo()
    args = FindSlotsArgs(service="Cleaning")
    first = await find_slots(args, CALL, at(deps, NOW + timedelta(minutes=5), memo))
    earliest = datetime.fromisoformat(first.slots[0].start)
    kept = len(memo.computed)
    # Asked in the last minute whose end is a full notice before the earliest time offered:
    # the same answer, nothing computed.
    notice = deps.business.rules.min_notice
    last_minute = earliest - notice - timedelta(seconds=30)
    assert last_minute > NOW + timedelta(minutes=6)
    assert await find_slots(args, CALL, at(deps, last_minute, memo)) == first
    assert len(memo.computed) == kept
    # A minute later that time is too soon: answered again, without it.
    later = await find_slots(args, CALL, at(deps, last_minute + timedelta(minutes=1), memo))
    assert later.slots[0].start != first.slots[0].start
    assert [kind(key) for key in memo.computed[kept:]] == ["find_slots"]


async def test_words_that_do_not_depend_on_the_time_of_day_are_read_once_a_day(
    deps: Deps,
) -> None:
    memo = CountingMemo()
    tomorrow = FindSlotsArgs(service="Cleaning", when="tomorrow morning")
    soon = FindSlotsArgs(service="Cleaning", when="in 2 hours")
    for minutes in (0, 3, 95):
        for args in (tomorrow, soon):
            await find_slots(args, CALL, at(deps, NOW + timedelta(minutes=minutes), memo))
    read = [key[1:] for key in memo.computed if isinstance(key, tuple) and key[0] == "when"]
    day = NOW.date().toordinal()
    assert read.count(("tomorrow morning", day)) == 1
    # "in 2 hours" is read for the day, found to need the time, then read in each minute.
    assert read.count(("in 2 hours", day)) == 1
    assert len([r for r in read if r[0] == "in 2 hours"]) == 4


async def test_with_nothing_kept_a_booking_shows_in_the_next_search_of_the_same_minute(
    deps: Deps,
) -> None:
    """The use case asks the memo; the memo (the app's, per data version) decides what is kept.
    With nothing kept (NoMemo, the default), a booking shows in the next search at once."""
    args = FindSlotsArgs(service="Cleaning")
    before = await find_slots(args, CALL, deps)
    await book_appointment(
        BookAppointmentArgs(slot_id=before.slots[0].slot_id, name="Ada Lovelace"), CALL, deps
    )
    after = await find_slots(args, CALL, deps)
    assert after.slots[0].start != before.slots[0].start


def test_words_are_read_to_the_minute_and_keep_the_caller_s_day(business: Any) -> None:
    late = datetime(2027, 3, 10, 23, 59, 40, tzinfo=NY)
    window = resolve_when("tomorrow", Minute.of(late).start, business)
    assert window is not None
    assert window.start.date().isoformat() == "2027-03-11"
