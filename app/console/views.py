"""How the console writes values for people: times in the business's zone as people write
them ("9:30 am", "Tue 13 Apr"), phone numbers masked, durations in minutes and seconds."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any


def clock(at: datetime | None, zone: tzinfo) -> str:
    """``9:00 am``, ``12:30 pm``: the local time of an aware instant."""
    if at is None:
        return ""
    local = at.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"


def day_name(day: date) -> str:
    """``Tue 13 Apr 2027``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def when(at: datetime | str | None, zone: tzinfo) -> str:
    """``Tue 13 Apr 2027, 9:00 am`` in the business's zone (an ISO string is read first)."""
    if isinstance(at, str):
        try:
            instant = datetime.fromisoformat(at)
        except ValueError:
            return at
    elif at is None:
        return ""
    else:
        instant = at
    return f"{day_name(instant.astimezone(zone).date())}, {clock(instant, zone)}"


def masked(phone: str | None) -> str:
    """The country code and last two digits: ``+1 ••• ••• ••23``; nothing for no number."""
    if not phone:
        return "unknown"
    digits = phone.lstrip("+")
    if len(digits) <= 4:
        return "•" * len(digits)
    return f"+{digits[0]} {'•' * (len(digits) - 3)}{digits[-2:]}"


def seconds(duration_ms: Any) -> str:
    """``2 min 05 s`` or ``45 s``."""
    if duration_ms is None:
        return ""
    total = round(float(duration_ms) / 1000)
    minutes, rest = divmod(total, 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def millis(duration_ms: Any) -> str:
    return "" if duration_ms is None else f"{float(duration_ms):.0f} ms"
