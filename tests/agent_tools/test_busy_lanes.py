"""Opening a search again after a change (agent_tools/busy.py): a person whose busy time did
not change keeps the lane merged before; the person whose time changed is merged again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from agent_tools.availability import utc_seconds
from agent_tools.busy import open_search
from agent_tools.ports import Deps, Occupancy
from agent_tools.search import Search
from app.business_config import load_business
from calendar_adapter.protocol import BusyByCalendar, BusySpan
from tests.conftest import FIXTURES, NOW
from tests.fakes.memo import EveryChangeMemo

CLINIC = load_business(FIXTURES / "clinic.toml")
CHECKUP = CLINIC.service("Checkup")
PEOPLE = [m.calendar_id for m in CLINIC.staff]  # Maya, Sam, Lena: all do checkups
THURSDAY_TEN = datetime(2027, 3, 11, 10, tzinfo=CLINIC.timezone)


class Diary:
    """Our appointments and the calendars' busy time, as the kept copies hand them out: a
    change makes a new list for the calendar it touches and leaves the others' lists as
    they were (app/db/kept_occupancy.py)."""

    def __init__(self) -> None:
        self.ours: dict[str, list[BusySpan]] = {c: [] for c in PEOPLE}
        self.google: BusyByCalendar = {c: [] for c in PEOPLE}
        self.per_day: dict[str, dict[date, int]] = {}

    def book(self, calendar: str, start: datetime, minutes: int = 30) -> None:
        span = (utc_seconds(start), utc_seconds(start + timedelta(minutes=minutes)))
        self.ours[calendar] = sorted([*self.ours[calendar], span])

    async def occupancy(
        self,
        business_id: str,
        calendar_ids: Sequence[str],
        units: Sequence[str],
        *_: Any,
        **__: Any,
    ) -> Occupancy:
        return Occupancy({c: self.ours[c] for c in calendar_ids}, {u: [] for u in units})

    async def count_by_day(self, *_: Any, **__: Any) -> dict[str, dict[date, int]]:
        return self.per_day

    async def busy(self, calendar_ids: Sequence[str], *_: Any, **__: Any) -> BusyByCalendar:
        return {c: self.google.get(c, []) for c in calendar_ids}


def deps_of(diary: Diary) -> Deps:
    return Deps(
        business=CLINIC,
        calendar=cast(Any, diary),
        store=cast(Any, diary),
        clock=lambda: NOW,
        memo=EveryChangeMemo(),
    )


async def searched(deps: Deps) -> Search:
    assert CHECKUP is not None
    return await open_search(deps, CHECKUP, NOW)


def free_at(search: Search, start: datetime) -> list[str]:
    return [spot.member.name for spot in search.spots(start)]


async def test_a_booking_merges_again_only_the_lane_of_the_person_booked() -> None:
    diary = Diary()
    deps = deps_of(diary)
    before = await searched(deps)
    assert free_at(before, THURSDAY_TEN) == ["Dr. Maya Patel", "Sam Okafor", "Lena Ruiz"]
    diary.book("lena@clinic.test", THURSDAY_TEN)
    after = await searched(deps)
    assert [a is b for a, b in zip(before.lanes, after.lanes, strict=True)] == [True, True, False]
    assert free_at(after, THURSDAY_TEN) == ["Dr. Maya Patel", "Sam Okafor"]


async def test_busy_time_synced_from_google_merges_that_person_again() -> None:
    diary = Diary()
    deps = deps_of(diary)
    before = await searched(deps)
    diary.google["maya@clinic.test"] = [
        (utc_seconds(THURSDAY_TEN), utc_seconds(THURSDAY_TEN + timedelta(hours=1)))
    ]
    after = await searched(deps)
    assert [a is b for a, b in zip(before.lanes, after.lanes, strict=True)] == [False, True, True]
    assert free_at(after, THURSDAY_TEN) == ["Sam Okafor", "Lena Ruiz"]


async def test_a_person_reaching_their_daily_cap_is_merged_again_with_the_day_full() -> None:
    diary = Diary()
    deps = deps_of(diary)
    before = await searched(deps)
    diary.per_day = {"lena@clinic.test": {THURSDAY_TEN.date(): 2}}  # Lena's cap is 2 a day
    after = await searched(deps)
    assert [a is b for a, b in zip(before.lanes, after.lanes, strict=True)] == [True, True, False]
    assert free_at(after, THURSDAY_TEN) == ["Dr. Maya Patel", "Sam Okafor"]
