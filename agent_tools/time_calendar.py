"""Stretches of the calendar callers name: weeks and months, their beginning, middle and end, the
nth weekday of a month. Pure date arithmetic; weeks run Monday to Sunday.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from agent_tools.errors import UnclearTime
from agent_tools.time_words import MONTHS

Days = tuple[date, date]

# Of a week: Monday-Wednesday / Wednesday-Thursday / Thursday-Sunday (offsets from Monday).
WEEK_PARTS = {"early": (0, 2), "middle": (2, 3), "end": (3, 6)}
PART_WORDS = {
    "beginning": "early",
    "start": "early",
    "early": "early",
    "mid": "middle",
    "middle": "middle",
    "midweek": "middle",
    "end": "end",
    "late": "end",
    "later": "end",
}
NEXT_WORDS = frozenset(["next", "coming", "upcoming", "following", "the following", "the next"])


def monday_of(day: date) -> date:
    """The Monday of the calendar week holding ``day``."""
    return day - timedelta(days=day.weekday())


def week(today: date, which: str | None) -> Days:
    """This week (``which`` None/"this"/"current"/"the"), next week, or the one after."""
    monday = monday_of(today)
    if which in NEXT_WORDS:
        monday += timedelta(days=7)
    elif which == "after next":
        monday += timedelta(days=14)
    return monday, monday + timedelta(days=6)


def week_part(days: Days, part: str) -> Days:
    """The beginning, middle or end of a Monday-Sunday week."""
    low, high = WEEK_PARTS[PART_WORDS[part]]
    return days[0] + timedelta(days=low), days[0] + timedelta(days=high)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month(today: date, name: str) -> date:
    """The first day of the month named: "april" (this year's, or next year's once past),
    "this month", "next month"."""
    name = name.removeprefix("the ").removesuffix("month").strip()
    first = today.replace(day=1)
    if name in ("", "this", "current"):
        return first
    if name in NEXT_WORDS:
        return month_end(today) + timedelta(days=1)
    number = MONTHS[name]
    year = today.year if number >= today.month else today.year + 1
    return date(year, number, 1)


def month_part(first: date, part: str) -> Days:
    """Days 1-7 / 11-20 / the last 7 days of the month beginning ``first``."""
    end = month_end(first)
    kind = PART_WORDS[part]
    if kind == "early":
        return first, first + timedelta(days=6)
    if kind == "middle":
        return first + timedelta(days=10), first + timedelta(days=19)
    return end - timedelta(days=6), end


def week_of_month(first: date, ordinal: str) -> Days:
    """The first (days 1-7) ... fourth (22-28), or last (the last 7 days) week of a month."""
    if ordinal == "last":
        end = month_end(first)
        return end - timedelta(days=6), end
    start = first + timedelta(weeks=int(ordinal.removesuffix("th")) - 1)
    if start.month != first.month or int(ordinal.removesuffix("th")) > 4:
        raise UnclearTime("Which week of the month did you mean?", heard=ordinal)
    return start, start + timedelta(days=6)


def nth_weekday(first: date, ordinal: str, weekday: int) -> date:
    """The first ... fifth, or the last, given weekday of the month beginning ``first``."""
    if ordinal == "last":
        day = month_end(first)
        return day - timedelta(days=(day.weekday() - weekday) % 7)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    day += timedelta(weeks=int(ordinal.removesuffix("th")) - 1)
    if day.month != first.month:
        raise UnclearTime(f"There isn't a {ordinal} one that month. Which day?", heard=ordinal)
    return day


def day_of_month(first: date, number: int) -> date:
    """Day ``number`` of the month beginning ``first``, or a question when it doesn't exist."""
    if not 1 <= number <= calendar.monthrange(first.year, first.month)[1]:
        raise UnclearTime("That date doesn't exist. Which day did you mean?", heard=str(number))
    return first.replace(day=number)
