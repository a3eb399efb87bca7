"""The business described as a receptionist says it: opening hours ("today we're open 9 AM
to 5 PM; Saturday 10 AM to 2 PM; closed Sunday"), a service's length, the list of services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


Day = tuple[str, tuple[OpenRange, ...]]  # a day's name and its opening ranges


def opening_hours(business: Business, today: date | None = None) -> str:
    """The week as a person reads it out. With ``today``: today's hours first (closures and
    special hours included), then the six days after it; without: Monday to Sunday."""
    if today is None:
        week = [(_DAY_NAMES[i], business.weekly_hours.get(i, ())) for i in range(7)]
        if not any(hours for _, hours in week):
            return "We're closed every day at the moment."
        return _week(week)
    hours = business.hours_on(today)
    name = _DAY_NAMES[today.weekday()]
    lead = (
        f"Today, {name}, we're open {day_hours(hours)}" if hours else f"We're closed today, {name}"
    )
    later = [today + timedelta(days=n) for n in range(1, 7)]
    return f"{lead}. " + _week([(_DAY_NAMES[d.weekday()], business.hours_on(d)) for d in later])


def week_hours(weekly: Mapping[int, tuple[OpenRange, ...]]) -> str:
    """A week of opening ranges (a person's own hours), Monday to Sunday."""
    return _week([(_DAY_NAMES[i], weekly.get(i, ())) for i in range(7)])


def _week(days: list[Day]) -> str:
    """Consecutive days, neighbours with the same hours (or both closed) said together."""
    runs: list[list[Day]] = []
    for day in days:
        if runs and runs[-1][-1][1] == day[1]:
            runs[-1].append(day)
        else:
            runs.append([day])
    phrases = [
        f"{_days([n for n, _ in run])} {day_hours(run[0][1])}"
        if run[0][1]
        else f"closed {_days([n for n, _ in run])}"
        for run in runs
    ]
    text = "; ".join(phrases)
    return text[0].upper() + text[1:] + "."


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
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def staff(business: Business) -> str:
    """Who does what, for the prompt: "Cleaning: Lena Ruiz. Checkup: Dr. Maya Patel, Dr. Sam
    Okafor or Lena Ruiz." (empty for a business without staff)."""
    if not business.staff:
        return ""
    lines = []
    for service in business.services:
        names = [m.name for m in business.staff if m.does(service)]
        lines.append(f"{service.name}: {speech.join_or(names)}.")
    return " ".join(lines)
