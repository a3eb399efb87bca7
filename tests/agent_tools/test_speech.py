"""Times as the caller hears them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from agent_tools import speech

NY = ZoneInfo("America/New_York")
TODAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    ("hour", "minute", "spoken"),
    [
        (9, 0, "9 AM"),
        (9, 30, "9:30 AM"),
        (12, 0, "noon"),
        (0, 0, "midnight"),
        (12, 15, "12:15 PM"),
        (13, 5, "1:05 PM"),
        (0, 30, "12:30 AM"),
    ],
)
def test_clock_reads_like_a_person(hour: int, minute: int, spoken: str) -> None:
    assert speech.clock(datetime(2027, 3, 10, hour, minute, tzinfo=NY)) == spoken


def test_days_near_today_are_relative_and_far_ones_carry_the_year() -> None:
    assert speech.day(TODAY, TODAY) == "today"
    assert speech.day(date(2027, 3, 11), TODAY) == "tomorrow"
    assert speech.day(date(2027, 3, 15), TODAY) == "Monday, March 15"
    assert speech.day(date(2028, 1, 3), date(2027, 3, 10)) == "Monday, January 3, 2028"
    assert speech.day(date(2028, 1, 3), date(2027, 12, 20)) == "Monday, January 3"


def test_choices_group_times_by_day() -> None:
    starts = [datetime(2027, 3, 15, h, tzinfo=NY) for h in (9, 13)] + [
        datetime(2027, 3, 16, 9, tzinfo=NY)
    ]
    assert speech.choices(starts, TODAY) == (
        "Monday, March 15 at 9 AM or 1 PM, or Tuesday, March 16 at 9 AM"
    )
    three_days = [datetime(2027, 3, d, 9, tzinfo=NY) for d in (11, 15, 16)]
    assert speech.choices(three_days, TODAY) == (
        "tomorrow at 9 AM; Monday, March 15 at 9 AM; or Tuesday, March 16 at 9 AM"
    )
