"""The grammar of one time phrase (no "or", no "except"): which days, and which hours on them.

Reads the canonical form :func:`agent_tools.time_words.normalize` makes. Each rule consumes the
piece it recognises (a day reference, a day part, a clock time or window, an offset); the pieces
compose ("late tomorrow afternoon", "next Thursday around 4"); anything left over is unclear.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from agent_tools import speech
from agent_tools import time_calendar as cal
from agent_tools.errors import UnclearTime
from agent_tools.time_words import (
    END,
    FILLER,
    MIDNIGHT,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    Conventions,
    mentions,
)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Days ``first..last`` (inclusive), and within each the wall-clock span ``[since, until)``.
    ``exact``: that start only; ``ends_by``: a stated window the appointment must end within."""

    first: date
    last: date
    since: time = MIDNIGHT
    until: time = END
    exact: bool = False
    ends_by: bool = False


@dataclass(frozen=True, slots=True)
class Hours:
    """What the reader needs of the business's hours: the local opening span of a date."""

    opening: Callable[[date], tuple[time, time] | None]  # None when closed


class NeedsTheTime(Exception):
    """The words were read for a whole day, but what they mean depends on the time of day
    ("in 20 minutes", "same time tomorrow", "at 3" with no day said)."""


@dataclass(frozen=True, slots=True)
class Context:
    """The reference moment and the business, for every piece of one reading."""

    today: date
    time_of_day: time | None  # None: read for the whole day (``now`` raises NeedsTheTime)
    hours: Hours
    conventions: Conventions

    @property
    def now(self) -> time:
        if self.time_of_day is None:
            raise NeedsTheTime
        return self.time_of_day


Clock = tuple[int, int, str | None]  # hour, minute, "am"/"pm"/None as said
CLOCK = (
    r"(?:(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s?(?P<ap>am|pm|a|p)?(?![\d/:])|(?P<named>noon|midnight))"
)
_WD = rf"(?P<wd>{WEEKDAY_NAMES})"
_MONTH = (
    rf"(?P<mo>{MONTH_NAMES}|(?:the )?(?:this|current|next|upcoming|coming|following) month"
    r"|the month)"
)
_NEXT = r"next|coming|upcoming|following|the following|the coming|the next"


_COMPILED: dict[str, re.Pattern[str]] = {}
# Words without which no day part / no clock can be said (rules are skipped when absent).
_PART_HINTS = ("lunch", "night", "first thing", "early as", "opening", "end of", "clos", "after")
_CLOCK_HINTS = (*"0123456789", "noon", "midnight", "same time", "this time")


def unclear(heard: str) -> UnclearTime:
    return UnclearTime(
        "Sorry, I didn't quite catch when you'd like to come in. Which day and roughly what time?",
        heard=heard,
    )


class Reader:
    """One pass over one phrase; :meth:`parse` fills ``days``, ``part``, ``clock``."""

    def __init__(self, words: str, context: Context) -> None:
        self.words = f" {words} "
        self.context = context
        self.today = context.today
        self.conventions = context.conventions
        self.days: cal.Days | None = None
        self.part: tuple[time, time] | None = None  # "morning", "after lunch", "tonight"
        self.clock: tuple[time, time] | None = None  # "after 3", "between 1 and 3", "at 2:30"
        self.exact = False
        self.ends_by = False
        self.fuzzy = False
        self.midnight = False
        self.also: time | None = None  # the other half of the day, when both fit ("at 10")

    def parse(
        self, day_rules: Sequence[Callable[[Reader], None]], *, explain: bool = True
    ) -> Reader:
        """Apply the day rules (the first that matches wins), then day parts and clocks.
        ``explain``: word the question for the caller (off when only testing a reading)."""
        for rule in day_rules:
            if self.days is None:
                rule(self)
        if mentions(self.words, (*self.conventions.day_parts, *_PART_HINTS)):
            self.day_parts()
        if mentions(self.words, _CLOCK_HINTS):
            for clock_rule in (self.clock_ranges, self.single_clock):
                if self.clock is None:
                    clock_rule()
        leftovers = [w for w in self.words.split() if w not in FILLER]
        if self.days is None and self.part is None and self.clock is None:
            raise unclear(" ".join(leftovers) or self.words.strip())
        if leftovers:
            raise self._partly_understood(" ".join(leftovers)) if explain else unclear("")
        return self

    def _partly_understood(self, heard: str) -> UnclearTime:
        """The question when some words were understood: it names them, so the caller
        corrects only the rest ("I got Friday, but not "moon". ...")."""
        if self.days is not None:
            first, last = self.days
            got = speech.day(first, self.today)
            if last != first:
                got = f"{got} to {speech.day(last, self.today)}"
        else:
            got = "the time of day"
        return UnclearTime(
            f'I got {got}, but not "{heard}". Could you say the day and time again?', heard=heard
        )

    def take(self, pattern: str) -> re.Match[str] | None:
        """Find ``pattern`` as whole words and consume it."""
        compiled = _COMPILED.get(pattern)
        if compiled is None:
            compiled = _COMPILED[pattern] = re.compile(rf"(?<=\s){pattern}(?=\s)")
        match = compiled.search(self.words)
        if match:
            self.words = self.words[: match.start()] + " " + self.words[match.end() :]
        return match

    def set_days(self, first: date, last: date | None = None) -> None:
        self.days = (first, last or first)

    # -- hours ----------------------------------------------------------------------------

    def day_parts(self) -> None:
        parts = self.conventions.day_parts
        if self.part is not None:
            return
        if self.take(r"first thing|(?:as )?early as possible|(?:at )?opening(?: time)?"):
            opening = self.opening()
            self.part = (MIDNIGHT, _shift(opening[0], 60)) if opening else parts["early morning"]
        elif self.take(r"(?:the )?end of (?:the )?day|close of business|(?:at )?closing(?: time)?"):
            opening = self.opening()
            self.part = _shift(opening[1] if opening else time(17), -120), END
        elif self.take(r"after lunch(?:time)?"):
            self.part = parts["lunchtime"][1], END
        elif self.take(r"before lunch(?:time)?"):
            self.part = MIDNIGHT, parts["lunchtime"][0]
        elif self.take(r"after work|after hours"):
            self.part = time(17), END
        elif match := self.take(_part_pattern(tuple(parts))):
            name = {"lunch": "lunchtime", "night": "evening"}.get(match["part"], match["part"])
            self.part = parts[name]

    def clock_ranges(self) -> None:
        first, second = CLOCK.replace("?P<", "?P<a_"), CLOCK.replace("?P<", "?P<b_")
        to = r"(?:and|to|till|til|until|but before|and before)"
        if match := self.take(
            rf"(?:between|from|later than|after) {first} {to} {second}"
        ) or self.take(rf"{first} {to} {second}"):
            self.clock = self.infer_range(
                self.read_clock(match, "a_"), self.read_clock(match, "b_")
            )
            self.ends_by = True
        elif match := self.take(
            rf"(?:before|by|no later than|earlier than|until|till|til) {first}"
        ):
            until = self.infer(self.read_clock(match, "a_"), window=True)
            self.clock, self.ends_by = (MIDNIGHT, until if until != MIDNIGHT else END), True
        elif match := self.take(rf"(?:after|later than|from|starting(?: at)?) {first}(?: on)?"):
            self.clock = self.infer(self.read_clock(match, "a_"), window=True), END
        elif match := self.take(rf"around (?:at )?{first}") or self.take(
            rf"(?:at )?{first} ?(?:ish|around)"
        ):
            center = self.infer(self.read_clock(match, "a_"))
            self.clock, self.fuzzy = (_shift(center, -60), _shift(center, 60)), True

    def single_clock(self) -> None:
        if self.take(r"(?:at )?(?:the )?(?:same|this) time"):  # "same time tomorrow"
            now = self.context.now.replace(second=0, microsecond=0)
            self.clock, self.exact = (now, _shift(now, 1)), True
        elif match := self.take(rf"(?:at )?{CLOCK}"):
            said = self.read_clock(match, "")
            start = self.infer(said)
            self.midnight = match["named"] == "midnight"
            self.clock, self.exact = (start, _shift(start, 1)), True
            if said[2] is None and 1 <= said[0] <= 11 and self.part is None:
                both = [t for t in _halves(said) if _inside(t, self.opening())]
                other = [t for t in both if t != start]
                self.also = other[0] if len(both) == 2 and len(other) == 1 else None

    def read_clock(self, match: re.Match[str], prefix: str) -> Clock:
        named = match[f"{prefix}named"]
        if named:
            return (0, 0, "am") if named == "midnight" else (12, 0, "pm")
        hour, minute = int(match[f"{prefix}h"]), int(match[f"{prefix}m"] or 0)
        suffix = match[f"{prefix}ap"]
        bare_evening = hour >= 13 and match[f"{prefix}m"] is None and not suffix  # "at 20"
        if hour > 23 or minute > 59 or (suffix and not 1 <= hour <= 12) or bare_evening:
            raise UnclearTime("Sorry, what time was that?", heard=match[0].strip())
        return hour, minute, (suffix[0] + "m") if suffix else None

    def infer(self, clock: Clock, *, window: bool = False) -> time:
        """A clock time with its half of the day: as said; 1-6 bounding a window ("after 3") are
        afternoon; else the one inside both the part of day named and opening hours, or inside
        the part, or inside opening hours; else 7-11 are morning and 12-6 afternoon."""
        hour, minute, suffix = clock
        if window and suffix is None and 1 <= hour <= 6:
            suffix = "pm"
        if suffix == "am":
            return time(hour % 12, minute)
        if suffix == "pm":
            return time(hour % 12 + 12, minute)
        if hour == 0 or hour >= 12:
            return time(hour, minute)
        halves = _halves(clock)
        opening = self.opening()
        for spans in ((opening, self.part), (self.part,), (opening,)):
            inside = [t for t in halves if all(_inside(t, span) for span in spans)]
            if len(inside) == 1:
                return inside[0]
        return halves[0] if hour >= 7 else halves[1]

    def infer_range(self, start: Clock, end: Clock) -> tuple[time, time]:
        if start[2] is None and end[2] is not None and start[0] <= end[0] < 12:
            start = (start[0], start[1], end[2])  # "between 1 and 3 pm"
        if start[2] is None and end[2] == "am" and start[0] == 12:
            start = (12, start[1], "am")  # "between 12 and 3am"
        since = self.infer(start, window=True)
        until = self.infer(end, window=True)
        if until <= since and until.hour < 12 and end[2] is None:
            until = time(until.hour + 12, until.minute)
        if until == MIDNIGHT:
            until = END
        if until <= since:
            raise UnclearTime("Sorry, what time range did you have in mind?", heard=str(start))
        return since, until

    def opening(self) -> tuple[time, time] | None:
        return self.context.hours.opening(self.days[0] if self.days else self.today)

    # -- the result -----------------------------------------------------------------------

    def hours(self) -> tuple[time, time] | None:
        """The wall-clock span the part of day and the clock leave, or None when neither."""
        if self.part is None and self.clock is None:
            return None
        if self.clock is not None and (self.midnight or self.fuzzy or self.exact):
            # The part of day only chose AM or PM: "afternoon at 5", "evening around 7".
            if self.part and not self.midnight and not _touches(self.part, self.clock):
                raise unclear(self.words.strip())
            return self.clock
        since, until = MIDNIGHT, END
        for span in (self.part, self.clock):
            if span is not None:
                since, until = max(since, span[0]), min(until, span[1])
        if until <= since:
            raise UnclearTime(
                "Sorry, those times don't fit together. What time of day would suit you?",
                heard=self.words.strip(),
            )
        return since, until

    def phrases(
        self, days: cal.Days | None = None, hours: tuple[time, time] | None = None
    ) -> list[Phrase]:
        """This reading as phrases (two when a bare hour fits opening hours both ways); ``days``
        and ``hours`` fill in what the phrase left unsaid (from a list it is part of)."""
        since, until = self.hours() or hours or (MIDNIGHT, END)
        first, last = self.days or days or self._day_for(END if self.midnight else until)
        if self.midnight:
            first = last = first + timedelta(days=1)
        found = [Phrase(first, last, since, until, self.exact, self.ends_by)]
        if self.also is not None:
            found.append(Phrase(first, last, self.also, _shift(self.also, 1), True))
        return found

    def _day_for(self, until: time) -> cal.Days:
        # Hours with no day: today if that span is still ahead, else tomorrow.
        day = self.today if until > self.context.now else self.today + timedelta(days=1)
        return day, day


@functools.cache
def _part_pattern(names: tuple[str, ...]) -> str:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return rf"(?:(?:in|during) )?(?:the )?(?P<part>{alternatives}|lunch|night)s?"


def _halves(clock: Clock) -> list[time]:
    return [time(clock[0], clock[1]), time(clock[0] + 12, clock[1])]


def _inside(moment: time, span: tuple[time, time] | None) -> bool:
    return span is not None and span[0] <= moment < span[1]


def _touches(part: tuple[time, time], clock: tuple[time, time]) -> bool:
    return part[0] <= clock[1] and clock[0] <= part[1]


def _shift(moment: time, minutes: int) -> time:
    total = max(0, min(24 * 60 - 1, moment.hour * 60 + moment.minute + minutes))
    return time(total // 60, total % 60)


def moment_after(context: Context, minutes: int) -> datetime:
    """The wall-clock moment ``minutes`` after the reference (wall-clock arithmetic)."""
    return datetime.combine(context.today, context.now) + timedelta(minutes=minutes)
