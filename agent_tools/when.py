"""Turning the ``when`` a caller or LLM sends into an exact window in the business's zone.

Pure: the reference instant (the call's start) comes in as an argument, so a retried request
resolves to the same window. ISO 8601 is read first; anything else goes to the phrase reader.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent_tools import speech
from agent_tools.availability import wall_to_seconds
from agent_tools.business import Business
from agent_tools.errors import UnclearTime
from agent_tools.phrases import END, MIDNIGHT, Hours, NeedsTheTime, Phrase, read_phrases

__all__ = ["NeedsTheTime", "Window", "resolve_start", "resolve_when", "resolve_when_on"]


@dataclass(frozen=True, slots=True)
class Window:
    """Slot starts wanted in ``[start, end)``, and on each day within ``daily`` (wall clock)
    when set; ``phrase`` says it aloud ("tomorrow in the morning"). ``ends_by``: a stated
    window ("between 1 and 3"), so the appointment must also end by its end (daily end).
    ``spans``: the separate windows of a list or an exclusion ("Monday or Tuesday"), or two
    readings both offered; the window itself then spans them all."""

    start: datetime
    end: datetime
    phrase: str
    daily: tuple[time, time] | None = None
    ends_by: bool = False
    spans: tuple[Window, ...] | None = None

    @property
    def key(self) -> tuple[object, ...]:
        """Equal exactly for equal windows: instants as UTC seconds, so the two 1:30s of a
        DST fold (equal as wall times in one zone) stay apart."""
        spans = None if self.spans is None else tuple(span.key for span in self.spans)
        return (
            self.start.timestamp(),
            self.end.timestamp(),
            self.phrase,
            self.daily,
            self.ends_by,
            spans,
        )

    @property
    def parts(self) -> tuple[Window, ...]:
        """The windows to search: the spans, or the window itself."""
        return self.spans if self.spans is not None else (self,)


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """An aware instant for a wall-clock time; a time inside a DST gap moves past the gap."""
    return wall.replace(tzinfo=zone).astimezone(zone)


def resolve_when(text: str | None, reference: datetime, business: Business) -> Window | None:
    """The window for ``text``; None means "the earliest availability"."""
    local_now = reference.astimezone(business.timezone)
    return _resolve(text, local_now.date(), local_now.time(), business)


def resolve_when_on(text: str | None, day: date, business: Business) -> Window | None:
    """The window for ``text`` heard at any time of ``day``: the same as :func:`resolve_when`
    for every reference instant on that local date, or NeedsTheTime when the words' meaning
    depends on the time of day too (so the reading can be kept for the whole day)."""
    return _resolve(text, day, None, business)


def _resolve(text: str | None, today: date, now: time | None, business: Business) -> Window | None:
    if text is None or not text.strip():
        return None
    zone = business.timezone
    cleaned = text.strip()
    window = _iso(cleaned, zone, today)
    if window is not None:
        return window
    hours = Hours(opening=business.opening_span)
    phrases = read_phrases(cleaned, today, now, hours, business.conventions)
    if phrases is None:
        return None
    windows = tuple(_window(phrase, zone, today) for phrase in phrases)
    if len(windows) == 1:
        return windows[0]
    return Window(
        start=min(w.start for w in windows),
        end=max(w.end for w in windows),
        phrase=_say_all(phrases, today),
        spans=windows,
    )


def resolve_start(text: str, reference: datetime, business: Business) -> datetime:
    """The exact start a booking asks for: ISO 8601, or a phrase naming one time on one day
    ("tomorrow at 2:30 PM"). Anything wider asks which time."""
    if text.strip()[:4].isdigit() and ("T" in text.upper() or " " in text.strip()):
        return parse_instant(text, business.timezone)
    window = resolve_when(text, reference, business)
    is_one_time = window is not None and window.end - window.start <= timedelta(minutes=1)
    if window is None or not is_one_time:
        raise UnclearTime(
            "Which exact time would you like? I can read you the open times first.", heard=text
        )
    return window.start


_ISO_INSTANT = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d(?::?\d\d)?)?", re.IGNORECASE
)


def _iso_text(text: str) -> str:
    if not _ISO_INSTANT.fullmatch(text.strip()):
        raise ValueError(text)
    return text.strip().upper().replace("Z", "+00:00")


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """An exact start time: ISO 8601 with or without offset (without: the business's zone).
    Anything else shaped like one ("10:00:00:30") is refused as malformed."""
    try:
        value = datetime.fromisoformat(_iso_text(text))
    except ValueError as exc:
        raise UnclearTime(
            "Sorry, I need the exact day and time for the booking. Which time would you like?",
            heard=text,
        ) from exc
    if value.tzinfo is None:
        if wall_to_seconds(value.replace(microsecond=0), zone) is None:
            raise UnclearTime(
                f"The clocks change that night, so {speech.clock(value)} doesn't exist on that "
                "day. Would an hour later work?",
                heard=text,
            )
        value = value.replace(tzinfo=zone)
    return value.astimezone(zone)


def _wall(day: date, moment: time) -> datetime:
    if moment == END:
        return datetime.combine(day + timedelta(days=1), MIDNIGHT)
    return datetime.combine(day, moment)


def _window(phrase: Phrase, zone: ZoneInfo, today: date) -> Window:
    if phrase.exact and wall_to_seconds(_wall(phrase.first, phrase.since), zone) is None:
        raise UnclearTime(
            f"The clocks change that night, so {speech.clock(_wall(phrase.first, phrase.since))}"
            " doesn't exist on that day. Would an hour later work?",
            heard=str(phrase.since),
        )
    whole_days = (phrase.since, phrase.until) == (MIDNIGHT, END)
    return Window(
        start=local_instant(_wall(phrase.first, phrase.since), zone),
        end=local_instant(_wall(phrase.last, phrase.until), zone),
        phrase=_say(phrase, today),
        daily=None if whole_days or phrase.first == phrase.last else (phrase.since, phrase.until),
        ends_by=phrase.ends_by,
    )


def _say(phrase: Phrase, today: date) -> str:
    hours = _say_hours(phrase, today)
    return f"{_say_days(phrase, today)} {hours}" if hours else _say_days(phrase, today)


def _say_all(phrases: list[Phrase], today: date) -> str:
    """Several spans, briefly: "on Monday, March 15 or Tuesday, March 16 before noon"."""
    hours = {_say_hours(phrase, today) for phrase in phrases}
    one_day = {(p.first, p.last) for p in phrases}
    if len(one_day) == 1 and phrases[0].first == phrases[0].last and "" not in hours:
        said = " or ".join(_say_hours(phrase, today) for phrase in phrases)
        return f"{_say_days(phrases[0], today)} {said}"  # "today at 2 PM or at 3 PM"
    if len(hours) == 1 and all(p.first == p.last for p in phrases):
        days = " or ".join(_day(p.first, today) for p in phrases)
        return f"{speech.on(days)} {hours.pop()}".strip()
    return " or ".join(_say(phrase, today) for phrase in phrases)


@functools.lru_cache(maxsize=4096)
def _day(value: date, today: date) -> str:
    return speech.day(value, today)  # strftime is slow; a call names few days, often again


def _say_days(phrase: Phrase, today: date) -> str:
    if phrase.last != phrase.first:
        return f"between {_day(phrase.first, today)} and {_day(phrase.last, today)}"
    return _on(phrase.first, today)


def _say_hours(phrase: Phrase, today: date) -> str:
    if (phrase.since, phrase.until) == (MIDNIGHT, END):
        return ""
    since, until = _wall(today, phrase.since), _wall(today, phrase.until)
    if phrase.exact:
        hours = f"at {speech.clock(since)}"
    elif phrase.since == MIDNIGHT:
        hours = f"before {speech.clock(until)}"
    elif phrase.until == END:
        hours = f"after {speech.clock(since)}"
    else:
        hours = f"between {speech.clock(since)} and {speech.clock(until)}"
    return hours


def _iso(text: str, zone: ZoneInfo, today: date) -> Window | None:
    if re.fullmatch(r"\d{4}-[^/\s]+/\d{4}-[^/\s]+", text):
        first, _, second = text.partition("/")
        start, end = parse_instant(first, zone), parse_instant(second, zone)
        if end <= start:
            raise UnclearTime("Sorry, that time range ends before it starts.", heard=text)
        return Window(
            start,
            end,
            f"between {speech.moment(start, today)} and {speech.moment(end, today)}",
        )
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return Window(
            local_instant(_wall(day, MIDNIGHT), zone),
            local_instant(_wall(day, END), zone),
            _on(day, today),
        )
    if "T" not in text.upper() or not text[:4].isdigit():
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UnclearTime(
            "Sorry, that date and time isn't one I can read. Which day and time did you mean?",
            heard=text,
        ) from None
    start = parse_instant(text, zone)  # ISO, but maybe a wall time the clocks skip: say so
    return Window(
        start,
        local_instant(_wall(start.date(), END), zone),
        f"from {speech.moment(start, today)}",
    )


def _on(day: date, today: date) -> str:
    return speech.on(_day(day, today))
