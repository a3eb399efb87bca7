"""The pure core: slot computation over a 60-day horizon with 2,000 busy intervals and a
15-minute grid, and reading a time phrase.

python -m bench.availability
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from agent_tools.availability import Interval, SlotQuery, iter_slots, merge, spread
from agent_tools.when import resolve_when
from app.business_config import load_business
from bench.stats import machine, summary, time_ms

CONFIG = Path(__file__).parent.parent / "tests" / "fixtures" / "business.toml"
NOW = datetime(2027, 3, 10, 15, tzinfo=UTC)
HORIZON_DAYS = 60


def main() -> None:
    business = load_business(CONFIG)
    service = business.services[0]
    rng = random.Random(7)
    origin = int(NOW.timestamp())
    span = HORIZON_DAYS * 86400
    # 2,000 short busy blocks scattered over the horizon (about 33 a day: a busy calendar).
    raw = [
        Interval(start, start + rng.choice([900, 1800, 2700, 3600]))
        for start in (origin + rng.randrange(0, span, 300) for _ in range(2000))
    ]
    busy = merge(raw)

    def query(start: int, end: int) -> SlotQuery:
        return SlotQuery(service, Interval(start, end), origin + 3600, origin + span, busy)

    def asap() -> list[int]:
        return spread(iter_slots(business, query(origin, origin + span)), 3, business.timezone)

    def whole_horizon() -> list[int]:
        return list(iter_slots(business, query(origin, origin + span)))

    def one_day() -> list[int]:
        day = origin + 6 * 86400
        return spread(iter_slots(business, query(day, day + 86400)), 3, business.timezone)

    def merge_busy() -> list[Interval]:
        return merge(raw)

    def nothing_free_until_late() -> list[int]:
        # The worst case a caller can cause: the first 50 days are solid, so the search walks
        # the whole horizon before it finds the three options.
        solid = merge([*busy, Interval(origin, origin + 50 * 86400)])
        late = SlotQuery(
            service, Interval(origin, origin + span), origin + 3600, origin + span, solid
        )
        return spread(iter_slots(business, late), 3, business.timezone)

    def parse_phrase() -> object:
        return resolve_when("next Tuesday after lunch", NOW, business)

    print(f"machine: {machine()}")
    print(
        f"busy intervals: {len(raw)} raw, {len(busy)} merged; "
        f"free starts in horizon: {len(whole_horizon())}"
    )
    for name, action in [
        ("merge 2,000 busy intervals", merge_busy),
        ("find_slots ASAP (3 spread options)", asap),
        ("find_slots one day", one_day),
        ("find_slots first 50 days full", nothing_free_until_late),
        ("enumerate every slot in 60 days", whole_horizon),
        ("read 'next Tuesday after lunch'", parse_phrase),
    ]:
        for _ in range(20):
            action()  # warm up
        print(f"{name:40s} {summary(time_ms(action, 500))}")


if __name__ == "__main__":
    main()
