"""The search across people (issue 11): "anyone" over 8 staff, each with 500 busy spans over the
60-day horizon, next to one person's search with the same busy time in the same run (the
baseline the ratios are to). Then opening that search again after one person's booking (what
every search after a booking does): merging only that person's lane, against merging all
eight (no earlier load to build on), in the same run.

python -m bench.staff
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

from agent_tools.availability import Interval, merge, spread
from agent_tools.business import Business
from agent_tools.busy import open_search
from agent_tools.ports import Deps, NoMemo, Occupancy
from agent_tools.search import Lane, Search
from agent_tools.staff import StaffMember
from app.business_config import load_business
from bench.stats import machine, summary, time_ms
from calendar_adapter.protocol import BusyByCalendar, BusySpan
from tests.fakes.memo import EveryChangeMemo

CONFIG = Path(__file__).parent.parent / "tests" / "fixtures" / "clinic.toml"
NOW = datetime(2027, 3, 10, 15, tzinfo=UTC)
HORIZON_DAYS = 60
STAFF = 8
SPANS = 500


def team_of(size: int) -> Business:
    clinic = load_business(CONFIG)
    staff = tuple(
        StaffMember(f"p{i}", f"Person {i}", f"p{i}@clinic.test", aliases=(f"Person {i}",))
        for i in range(size)
    )
    return replace(clinic, staff=staff, rooms=())


def busy(rng: random.Random, origin: int) -> list[Interval]:
    span = HORIZON_DAYS * 86400
    return merge(
        Interval(start, start + rng.choice([900, 1800, 2700, 3600]))
        for start in (origin + rng.randrange(0, span, 300) for _ in range(SPANS))
    )


def main() -> None:
    business = team_of(STAFF)
    checkup = business.service("Checkup")
    assert checkup is not None
    rng = random.Random(11)
    origin = int(NOW.timestamp())
    lanes = tuple(Lane(member, busy(rng, origin)) for member in business.staff)
    anyone = Search(business, checkup, NOW, lanes)
    one = Search(business, checkup, NOW, lanes[:1], named=business.staff[0])
    day = origin + 6 * 86400

    def asap(search: Search) -> list[int]:
        return spread(search.starts(origin, search.horizon), 3, business.timezone)

    def one_day(search: Search) -> list[int]:
        return spread(search.starts(day, day + 86400), 3, business.timezone)

    def every_slot(search: Search) -> list[int]:
        return list(search.starts(origin, search.horizon))

    print(f"machine: {machine()}; {STAFF} staff x {SPANS} busy spans x {HORIZON_DAYS} days")
    searches = [("ASAP (3 options)", asap), ("one day", one_day), ("every slot", every_slot)]
    for name, action in searches:
        for _ in range(10):
            action(one)
            action(anyone)
        base = time_ms(partial(action, one), 300)
        wide = time_ms(partial(action, anyone), 300)
        ratio = sorted(wide)[len(wide) // 2] / sorted(base)[len(base) // 2]
        print(f"{'one person, ' + name:32s} {summary(base)}")
        print(f"{'anyone of 8, ' + name:32s} {summary(wide)}  ({ratio:.2f}x one person)")

    reopening(business, rng, origin)


class Diary:
    """Kept copies as the app hands them out: a booking makes a new list for its calendar only
    (app/db/kept_occupancy.py); the mirror's busy time stays one object."""

    def __init__(self, business: Business, rng: random.Random, origin: int) -> None:
        self.ours: dict[str, list[BusySpan]] = {m.calendar_id: [] for m in business.staff}
        self.google: BusyByCalendar = {
            m.calendar_id: list(busy(rng, origin)) for m in business.staff
        }
        self.rng, self.origin = rng, origin

    def book_one(self, calendar: str) -> None:
        start = self.origin + self.rng.randrange(0, HORIZON_DAYS * 86400, 900)
        self.ours[calendar] = sorted([*self.ours[calendar], (start, start + 1800)])

    async def occupancy(self, _: str, calendars: Sequence[str], *__: Any, **___: Any) -> Occupancy:
        return Occupancy({c: self.ours[c] for c in calendars}, {})

    async def busy(self, calendars: Sequence[str], *_: Any, **__: Any) -> BusyByCalendar:
        return {c: self.google[c] for c in calendars}


def reopening(business: Business, rng: random.Random, origin: int) -> None:
    checkup = business.service("Checkup")
    assert checkup is not None
    diary = Diary(business, rng, origin)
    calendars = [m.calendar_id for m in business.staff]

    def deps(memo: Any) -> Deps:
        store = cast(Any, diary)
        return Deps(business, store, store, clock=lambda: NOW, memo=memo)

    async def reopen(deps: Deps, rounds: int) -> None:
        for n in range(rounds):
            diary.book_one(calendars[n % len(calendars)])
            await open_search(deps, checkup, NOW)

    def timed(deps: Deps) -> Callable[[], None]:
        return lambda: asyncio.run(reopen(deps, 20))

    every_lane, one_lane = timed(deps(NoMemo())), timed(deps(EveryChangeMemo()))
    for _ in range(3):
        every_lane()
        one_lane()
    base = time_ms(every_lane, 30)
    kept = time_ms(one_lane, 30)
    ratio = sorted(kept)[len(kept) // 2] / sorted(base)[len(base) // 2]
    print(f"{'20 reopens, every lane merged':32s} {summary(base)}")
    print(f"{'20 reopens, booked lane merged':32s} {summary(kept)}  ({ratio:.2f}x every lane)")


if __name__ == "__main__":
    main()
