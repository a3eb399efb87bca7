"""Turning the ``when`` a caller or LLM sends into an exact window in the business's zone.

Pure: the reference instant (the call's start) and the zone come in as arguments, so the same
request always resolves to the same window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent_tools import speech
from agent_tools.availability import wall_to_seconds
from agent_tools.errors import UnclearTime


@dataclass(frozen=True, slots=True)
class Window:
    """Slot starts wanted in ``[start, end)``; ``phrase`` says it aloud ("on Monday, March 15")."""

    start: datetime
    end: datetime
    phrase: str


def day_window(day: date, zone: ZoneInfo, today: date) -> Window:
    return Window(
        start=local_instant(datetime.combine(day, time(0)), zone),
        end=local_instant(datetime.combine(day + timedelta(days=1), time(0)), zone),
        phrase=_on(day, today),
    )


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """An aware instant for a wall-clock time; a time inside a DST gap moves past the gap."""
    return wall.replace(tzinfo=zone).astimezone(zone)


def resolve_when(text: str | None, reference: datetime, zone: ZoneInfo) -> Window | None:
    """The window for ``text``; None means "the earliest availability"."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    today = reference.astimezone(zone).date()
    window = _iso(cleaned, zone, today)
    if window is None:
        raise UnclearTime(
            "Sorry, I didn't catch which day or time you'd like. Could you tell me the date?",
            heard=cleaned,
        )
    return window


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """An exact start time: ISO 8601 with or without offset (without: the business's zone)."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UnclearTime(
            "Sorry, I need the exact day and time for the booking. Which time would you like?",
            heard=text,
        ) from exc
    if value.tzinfo is None:
        if wall_to_seconds(value, zone) is None:
            raise UnclearTime(
                f"The clocks change that night, so {speech.clock(value)} doesn't exist on that "
                "day. Would an hour later work?",
                heard=text,
            )
        value = value.replace(tzinfo=zone)
    return value.astimezone(zone)


def _iso(text: str, zone: ZoneInfo, today: date) -> Window | None:
    if "/" in text:
        first, _, second = text.partition("/")
        try:
            start, end = parse_instant(first, zone), parse_instant(second, zone)
        except UnclearTime:
            return None
        if end <= start:
            return None
        return Window(
            start, end, f"between {speech.moment(start, today)} and {speech.moment(end, today)}"
        )
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return day_window(day, zone, today)
    if "T" not in text.upper() and " " not in text:
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    start = parse_instant(text, zone)  # ISO, but maybe a wall time the clocks skip: say so
    end_of_day = day_window(start.date(), zone, today).end
    return Window(start, end_of_day, f"from {speech.moment(start, today)}")


def _on(day: date, today: date) -> str:
    spoken = speech.day(day, today)
    return spoken if spoken in ("today", "tomorrow") else f"on {spoken}"
