"""The business described as a receptionist says it: opening hours ("today we're open 9 AM
to 5 PM; Saturday 10 AM to 2 PM; closed Sunday"), a service's length, the list of services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from agent_tools import speech
from agent_tools.business import END_OF_DAY, Business, OpenRange

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def at(moment: time) -> str:
    """ "9 AM", "12:30 PM", "noon"; the end of the day is "midnight"."""
    if moment == END_OF_DAY:
        return "midnight"
    return speech.clock(datetime.combine(date(2000, 1, 1), moment))


def span(opening: OpenRange) -> str:
    """ "9 AM to 5 PM", "1 to 5 PM" (one AM/PM when both ends share it), "9 AM to noon"."""
    start, end = at(opening.start), at(opening.end)
    for suffix in (" AM", " PM"):
        if start.endswith(suffix) and end.endswith(suffix):
            start = start.removesuffix(suffix)
    return f"{start} to {end}"


def day_hours(ranges: Sequence[OpenRange]) -> str:
    if ranges and ranges[0].start == time(0) and ranges[0].end == END_OF_DAY:
        return "around the clock"
    return join_and([span(r) for r in ranges])


def opening_hours(business: Business, today: date | None = None) -> str:
    """The week as a person reads it out. With ``today``: today's hours first (closures and
    special hours included), then the six days after it; without: Monday to Sunday."""
    lead: list[str] = []
    if today is None:
        days = [(_DAY_NAMES[i], business.weekly_hours.get(i, ())) for i in range(7)]
    else:
        hours = business.hours_on(today)
        name = _DAY_NAMES[today.weekday()]
        lead = [
            f"Today, {name}, we're open {day_hours(hours)}"
            if hours
            else f"We're closed today, {name}"
        ]
        later = [today + timedelta(days=n) for n in range(1, 7)]
        days = [(_DAY_NAMES[d.weekday()], business.hours_on(d)) for d in later]
    if not any(hours for _, hours in days) and not lead:
        return "We're closed every day at the moment."
    phrases = [_run([name for name, _ in run], run[0][1]) for run in _runs(days)]
    rest = "; ".join(phrases)
    rest = rest[0].upper() + rest[1:] + "."
    return f"{lead[0]}. {rest}" if lead else rest


def _run(names: list[str], hours: tuple[OpenRange, ...]) -> str:
    return f"{_days(names)} {day_hours(hours)}" if hours else f"closed {_days(names)}"


def _runs(
    days: list[tuple[str, tuple[OpenRange, ...]]],
) -> list[list[tuple[str, tuple[OpenRange, ...]]]]:
    """Neighbouring days with the same hours (or both closed), grouped."""
    runs: list[list[tuple[str, tuple[OpenRange, ...]]]] = []
    for day in days:
        if runs and runs[-1][-1][1] == day[1] and _next(runs[-1][-1][0]) == day[0]:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _next(name: str) -> str:
    return _DAY_NAMES[(_DAY_NAMES.index(name) + 1) % 7]


def _days(names: list[str]) -> str:
    if len(names) >= 3:
        return f"{names[0]} to {names[-1]}"
    return join_and(names)


def duration(length: timedelta) -> str:
    """ "30 minutes", "an hour", "an hour and a half", "2 hours"."""
    minutes = int(length.total_seconds() // 60)
    if minutes == 60:
        return "an hour"
    if minutes == 90:
        return "an hour and a half"
    if minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes"


def services(business: Business) -> str:
    return join_and([s.name for s in business.services])


def join_and(items: Sequence[str]) -> str:
    return (
        speech.join_or(items).replace(" or ", " and ")
        if len(items) <= 2
        else (", ".join(items[:-1]) + f" and {items[-1]}")
    )
