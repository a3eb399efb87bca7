"""The search across people (issue 11): "anyone" over 8 staff, each with 500 busy spans over the
60-day horizon, next to one person's search with the same busy time in the same run (the
baseline the ratios are to).

python -m bench.staff
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from agent_tools.availability import Interval, merge, spread
from agent_tools.business import Business
from agent_tools.search import Lane, Search
from agent_tools.staff import StaffMember
from app.business_config import load_business
from bench.stats import machine, summary, time_ms

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


if __name__ == "__main__":
    main()
