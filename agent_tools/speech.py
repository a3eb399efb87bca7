"""Times as a receptionist says them: "tomorrow at 9:30 AM", "Monday, March 15 at 2 PM"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta


def clock(moment: datetime) -> str:
    """ "9 AM", "9:30 AM", "noon", "midnight"."""
    if moment.minute == 0:
        if moment.hour == 12:
            return "noon"
        if moment.hour == 0:
            return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    if moment.minute == 0:
        return f"{hour} {suffix}"
    return f"{hour}:{moment.minute:02d} {suffix}"


def day(value: date, today: date) -> str:
    """ "today", "tomorrow", or "Monday, March 15" (the year only when it is not this year's)."""
    if value == today:
        return "today"
    if value == today + timedelta(days=1):
        return "tomorrow"
    text = f"{value:%A}, {value:%B} {value.day}"
    if value.year != today.year and (value - today).days > 180:
        text += f", {value.year}"
    return text


def moment(value: datetime, today: date) -> str:
    return f"{day(value.date(), today)} at {clock(value)}"


def on(spoken: str) -> str:
    """A spoken moment as the object of a sentence: "on Monday, March 15 at 9 AM", but
    "tomorrow at 9 AM"."""
    return spoken if spoken.startswith(("today", "tomorrow")) else f"on {spoken}"


def choices(starts: Sequence[datetime], today: date) -> str:
    """Several times, grouped by day: "Monday, March 15 at 9 AM or 1 PM, or Tuesday at 9 AM"."""
    groups: dict[date, list[str]] = {}
    for start in starts:
        groups.setdefault(start.date(), []).append(clock(start))
    phrases = [f"{day(d, today)} at {join_or(times)}" for d, times in groups.items()]
    if len(phrases) == 2 and any(len(times) > 1 for times in groups.values()):
        return f"{phrases[0]}, or {phrases[1]}"
    return join_or(phrases, separator="; ") if len(phrases) > 2 else join_or(phrases)


def join_or(items: Sequence[str], separator: str = ", ") -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} or {items[1]}"
    return separator.join(items[:-1]) + f"{separator}or {items[-1]}"
