"""What callers say about time, read into days and hours; pure, no clock of its own.

``read_phrase`` turns "next Tuesday after lunch" into a :class:`Phrase`: a span of local dates
and a daily span of wall-clock time. Anything it does not understand is an
:class:`~agent_tools.errors.UnclearTime`, never a guess at another day. The conventions
(what "morning" spans, what "next Monday" means) are in docs/time-phrases.md and, where
businesses differ, in the business config (:class:`Conventions`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from agent_tools.errors import UnclearTime

MIDNIGHT = time(0)
END = time.max  # the end of a day, exclusive in practice

WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
MONTHS = {
    name: index
    for index in range(1, 13)
    for name in (calendar.month_name[index].lower(), calendar.month_abbr[index].lower())
}
MONTHS["sept"] = 9
NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a": 1,
    "an": 1,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
}
ORDINAL_WEEKS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
}
FILLER = frozenset(
    [
        "on",
        "the",
        "at",
        "in",
        "for",
        "of",
        "please",
        "sometime",
        "some",
        "time",
        "maybe",
        "preferably",
        "ideally",
        "any",
        "day",
        "i",
        "i'd",
        "id",
        "would",
        "like",
        "love",
        "could",
        "can",
        "you",
        "do",
        "we",
        "have",
        "is",
        "are",
        "there",
        "anything",
        "something",
        "available",
        "free",
        "open",
        "appointment",
        "appointments",
        "slot",
        "slots",
        "book",
        "booking",
        "me",
        "a",
        "an",
        "or",
        "how",
        "about",
        "what",
        "works",
        "work",
        "best",
        "good",
        "it",
        "that",
        "be",
        "possible",
        "if",
        "get",
        "come",
        "earliest",
        "no",
        "yes",
        "ok",
        "okay",
        "um",
        "uh",
        "so",
        "well",
        "just",
        "around",
        "this",
    ]
)


@dataclass(frozen=True, slots=True)
class Conventions:
    """How this business's callers speak of time (config ``[conventions]``, ``[day_parts]``)."""

    date_order: str = "mdy"  # "3/4" is March 4 (mdy) or 3 April (dmy)
    # "next Friday": "following_week" = Friday of next calendar week (weeks start Monday);
    # "upcoming" = the nearest Friday after today.
    next_weekday: str = "following_week"
    day_parts: dict[str, tuple[time, time]] = field(
        default_factory=lambda: {
            "early morning": (MIDNIGHT, time(10)),
            "morning": (MIDNIGHT, time(12)),
            "mid-morning": (time(9, 30), time(11, 30)),
            "late morning": (time(10, 30), time(12)),
            "lunchtime": (time(11, 30), time(13, 30)),
            "early afternoon": (time(12), time(15)),
            "afternoon": (time(12), time(17)),
            "mid-afternoon": (time(14), time(16)),
            "late afternoon": (time(15), time(17)),
            "evening": (time(17), END),
        }
    )


@dataclass(frozen=True, slots=True)
class Phrase:
    """Days ``first..last`` (inclusive), and within each the wall-clock span ``[since, until)``."""

    first: date
    last: date
    since: time = MIDNIGHT
    until: time = END
    exact: bool = False  # "at 2:30": that start only


@dataclass(frozen=True, slots=True)
class Hours:
    """What the parser needs of the business's hours: the local opening span of a date."""

    opening: Callable[[date], tuple[time, time] | None]  # None when closed


ASAP = re.compile(
    r"^(?:as soon as (?:possible|you can)|asap|earliest(?: available| possible)?(?: time| slot)?"
    r"|soonest|first available|next available|whenever|any ?time|no preference)$"
)


def read_phrase(
    text: str, today: date, now: time, hours: Hours, conventions: Conventions | None = None
) -> Phrase | None:
    """The phrase's days and hours, or None for "as soon as possible"."""
    conventions = conventions or Conventions()
    words = _normalize(text)
    if ASAP.match(words):
        return None
    reader = _Reader(words, today, now, hours, conventions)
    return reader.read()


def _normalize(text: str) -> str:
    words = text.lower().strip()
    words = re.sub(r"\b([ap])\.\s?m\.?", r"\1m", words)
    words = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", words)
    words = words.replace("mid morning", "mid-morning").replace("midmorning", "mid-morning")
    words = words.replace("mid afternoon", "mid-afternoon").replace("o'clock", "")
    words = re.sub(r"[,.;!?]", " ", words)
    words = re.sub(r"\b(\d{1,2})\s*-\s*(\d{1,2})\b(?!/)", r"\1 to \2", words)
    return re.sub(r"\s+", " ", words).strip()


_HOUR_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
CLOCK = (
    rf"(?:(?P<h>\d{{1,2}}|{_HOUR_WORDS})(?::(?P<m>\d{{2}})|\s(?P<mw>thirty|fifteen|forty-five))?"
    r"\s?(?P<ap>am|pm|a|p)?(?![\d/:])|(?P<named>noon|midday|midnight))"
)


class _Reader:
    """One pass over a phrase: each rule consumes what it recognises; leftovers are unclear."""

    def __init__(
        self, words: str, today: date, now: time, hours: Hours, conventions: Conventions
    ) -> None:
        self.words = f" {words} "
        self.today = today
        self.now = now
        self.hours = hours
        self.conventions = conventions
        self.days: tuple[date, date] | None = None
        self.part: tuple[time, time] | None = None  # "morning", "after lunch", "tonight"
        self.clock: tuple[time, time] | None = None  # "after 3", "between 1 and 3", "at 2:30"
        self.exact = False

    def read(self) -> Phrase:
        for rule in (self._relative_days, self._weeks_and_months, self._dates, self._weekdays):
            if self.days is None:
                rule()
        self._day_parts()
        for rule in (self._clock_ranges, self._single_clock):
            if self.clock is None:
                rule()
        leftovers = [w for w in self.words.split() if w not in FILLER]
        if leftovers or (self.days is None and self.part is None and self.clock is None):
            raise UnclearTime(
                "Sorry, I didn't quite catch when you'd like to come in. "
                "Which day and roughly what time?",
                heard=" ".join(leftovers) or self.words.strip(),
            )
        return self._resolve()

    # -- consuming ------------------------------------------------------------------------

    def _take(self, pattern: str) -> re.Match[str] | None:
        match = re.search(rf"(?<=\s){pattern}(?=\s)", self.words)
        if match:
            self.words = self.words[: match.start()] + " " + self.words[match.end() :]
        return match

    def _set_days(self, first: date, last: date | None = None) -> None:
        self.days = (first, last or first)

    # -- days -----------------------------------------------------------------------------

    def _relative_days(self) -> None:
        today = self.today
        if self._take(r"(?:the )?day after tomorrow"):
            self._set_days(today + timedelta(days=2))
        elif self._take(r"tonight|this evening"):
            self._set_days(today)
            self.part = self.conventions.day_parts["evening"]
        elif self._take(r"today|this(?= (?:morning|afternoon|evening))"):
            self._set_days(today)
        elif self._take(r"tomorrow|tmrw|tmr"):
            self._set_days(today + timedelta(days=1))
        elif match := self._take(r"in (?P<n>\d+|[a-z]+(?: [a-z]+)?(?: of)?) (?P<u>days?|weeks?)"):
            count = _number(match["n"])
            if count is None:
                raise UnclearTime("How many days from now would you like?", heard=match[0])
            if match["u"].startswith("day"):
                self._set_days(today + timedelta(days=count))
            else:
                target = today + timedelta(weeks=count)
                monday = target - timedelta(days=target.weekday())
                self._set_days(max(monday, today), monday + timedelta(days=6))

    def _weeks_and_months(self) -> None:
        for pattern, (first, last) in _calendar_spans(self.today):
            if self._take(pattern):
                self._set_days(max(first, self.today), last)
                return
        if match := self._take(
            rf"(?:the )?(?P<o>first|1st|second|2nd|third|3rd|fourth|4th|last) week of "
            rf"(?P<mo>{_MONTH_NAMES})"
        ):
            month = MONTHS[match["mo"]]
            year = self.today.year if month >= self.today.month else self.today.year + 1
            end = _month_end(date(year, month, 1))
            if match["o"] == "last":
                self._set_days(end - timedelta(days=6), end)
            else:
                start = date(year, month, 1) + timedelta(weeks=ORDINAL_WEEKS[match["o"]])
                self._set_days(start, start + timedelta(days=6))

    def _dates(self) -> None:
        weekday = rf"(?:(?P<wd>{_WEEKDAY_NAMES}) )?"
        if match := self._take(
            rf"{weekday}(?P<mo>{_MONTH_NAMES}) (?P<d>\d{{1,2}})(?: (?P<y>\d{{4}}))?"
        ) or self._take(
            rf"{weekday}(?:the )?(?P<d>\d{{1,2}}) (?:of )?(?P<mo>{_MONTH_NAMES})"
            r"(?: (?P<y>\d{4}))?"
        ):
            day = self._month_day(MONTHS[match["mo"]], int(match["d"]), match["y"])
        elif match := self._take(
            rf"{weekday}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?:/(?P<y>\d{{2,4}}))?"
        ):
            month, day_number = int(match["a"]), int(match["b"])
            if self.conventions.date_order == "dmy":
                month, day_number = day_number, month
            year = match["y"]
            if year and len(year) == 2:
                year = f"20{year}"
            day = self._month_day(month, day_number, year)
        elif match := self._take(rf"{weekday}the (?P<d>\d{{1,2}})"):
            day_number = int(match["d"])
            day = self._next_day_numbered(day_number)
        else:
            return
        if match["wd"] and WEEKDAYS[match["wd"]] != day.weekday():
            said = match["wd"].capitalize()
            raise UnclearTime(
                f"{day:%B} {day.day} is a {day:%A}, not a {said}. Which day did you mean?",
                heard=match[0].strip(),
            )
        self._set_days(day)

    def _weekdays(self) -> None:
        match = self._take(rf"(?:(?P<q>this|next|coming|this coming) )?(?P<wd>{_WEEKDAY_NAMES})s?")
        if match is None:
            return
        target = WEEKDAYS[match["wd"]]
        ahead = (target - self.today.weekday()) % 7
        qualifier = match["q"]
        if qualifier == "next" and self.conventions.next_weekday == "following_week":
            monday = self.today - timedelta(days=self.today.weekday()) + timedelta(days=7)
            self._set_days(monday + timedelta(days=target))
            return
        if ahead == 0 and qualifier != "this":
            ahead = 7  # "Monday" said on a Monday means next week's
        self._set_days(self.today + timedelta(days=ahead))

    def _month_day(self, month: int, day_number: int, year: str | None = None) -> date:
        years = [int(year)] if year else [self.today.year, self.today.year + 1]
        for candidate_year in years:
            try:
                candidate = date(candidate_year, month, day_number)
            except ValueError:
                raise UnclearTime(
                    "That date doesn't exist. Which day did you mean?",
                    heard=f"{month}/{day_number}",
                ) from None
            if year or candidate >= self.today:
                return candidate
        return candidate

    def _next_day_numbered(self, day_number: int) -> date:
        year, month = self.today.year, self.today.month
        for _ in range(3):
            if day_number <= calendar.monthrange(year, month)[1]:
                candidate = date(year, month, day_number)
                if candidate >= self.today:
                    return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise UnclearTime("That date doesn't exist. Which day did you mean?", heard=str(day_number))

    # -- hours ----------------------------------------------------------------------------

    def _clock_ranges(self) -> None:
        first, second = CLOCK.replace("?P<", "?P<a_"), CLOCK.replace("?P<", "?P<b_")
        if match := self._take(
            rf"(?:between|from) {first} (?:and|to|till|until) {second}"
        ) or self._take(rf"{first} to {second}"):
            start, end = self._clock(match, "a_"), self._clock(match, "b_")
            self.clock = self._infer_range(start, end, match)
        elif match := self._take(rf"(?:after|later than|from) {first}(?: on)?"):
            self.clock = self._infer(self._clock(match, "a_")), END
        elif match := self._take(rf"(?:before|by|no later than|earlier than) {first}"):
            self.clock = MIDNIGHT, self._infer(self._clock(match, "a_"))
        elif match := self._take(rf"(?:around|about|roughly) {first}") or self._take(
            rf"{first} ?ish"
        ):
            center = self._infer(self._clock(match, "a_"))
            self.clock = _shift(center, -60), _shift(center, 60)

    def _day_parts(self) -> None:
        parts = self.conventions.day_parts
        if self.part is not None:
            return
        if self._take(r"first thing(?: in the morning)?|(?:as )?early as possible|(?:at )?opening"):
            opening = self._opening()
            self.part = (MIDNIGHT, _shift(opening[0], 60)) if opening else parts["early morning"]
        elif self._take(
            r"(?:the )?end of (?:the )?day|close of business|(?:at )?closing(?: time)?"
        ):
            opening = self._opening()
            self.part = _shift(opening[1] if opening else time(17), -120), END
        elif self._take(r"after lunch(?:time)?"):
            self.part = parts["lunchtime"][1], END
        elif self._take(r"before lunch(?:time)?"):
            self.part = MIDNIGHT, parts["lunchtime"][0]
        elif self._take(r"after work|after hours"):
            self.part = time(17), END
        else:
            names = "|".join(re.escape(n) for n in sorted(parts, key=len, reverse=True))
            if match := self._take(rf"(?:(?:in|during) )?(?:the )?(?P<part>{names}|lunch)s?"):
                self.part = parts["lunchtime" if match["part"] == "lunch" else match["part"]]

    def _single_clock(self) -> None:
        if match := self._take(rf"(?:at )?{CLOCK}"):
            start = self._infer(self._clock(match, ""))
            self.clock, self.exact = (start, _shift(start, 1)), True

    def _clock(self, match: re.Match[str], prefix: str) -> tuple[int, int, str | None]:
        named = match[f"{prefix}named"]
        if named:
            return (0, 0, "am") if named == "midnight" else (12, 0, "pm")
        hour = _number(match[f"{prefix}h"])
        minute = int(match[f"{prefix}m"] or 0)
        if match[f"{prefix}mw"]:
            minute = {"fifteen": 15, "thirty": 30, "forty-five": 45}[match[f"{prefix}mw"]]
        suffix = match[f"{prefix}ap"]
        if hour is None or hour > 23 or minute > 59 or (suffix and not 1 <= hour <= 12):
            raise UnclearTime("Sorry, what time was that?", heard=match[0].strip())
        return hour, minute, (suffix[0] + "m") if suffix else None

    def _infer(self, clock: tuple[int, int, str | None]) -> time:
        """A clock time with its half of the day: said, or the one inside the part of day
        named, or inside opening hours, or (failing all) morning for 7-11 and afternoon else."""
        hour, minute, suffix = clock
        if suffix == "am":
            return time(hour % 12, minute)
        if suffix == "pm":
            return time(hour % 12 + 12, minute)
        if hour == 0 or hour >= 13:
            return time(hour, minute)
        if hour == 12:
            return time(12, minute)
        morning, evening = time(hour, minute), time(hour + 12, minute)
        for span in (self.part, self._opening()):
            if span is not None:
                low, high = span
                inside = [t for t in (morning, evening) if low <= t < high]
                if len(inside) == 1:
                    return inside[0]
        return morning if hour >= 7 else evening

    def _infer_range(
        self,
        start: tuple[int, int, str | None],
        end: tuple[int, int, str | None],
        match: re.Match[str],
    ) -> tuple[time, time]:
        if start[2] is None and end[2] is not None and start[0] <= end[0] < 12:
            start = (start[0], start[1], end[2])  # "between 1 and 3 pm"
        since = self._infer(start)
        until = self._infer(end)
        if until <= since and until.hour < 12:
            until = time(until.hour + 12, until.minute)
        if until <= since:
            raise UnclearTime("Sorry, what time range did you have in mind?", heard=match[0])
        return since, until

    def _opening(self) -> tuple[time, time] | None:
        day = self.days[0] if self.days else self.today
        return self.hours.opening(day)

    # -- the result -----------------------------------------------------------------------

    def _resolve(self) -> Phrase:
        since, until = MIDNIGHT, END
        for span in (self.part, self.clock):
            if span is not None:
                since, until = max(since, span[0]), min(until, span[1])
        if until <= since:
            raise UnclearTime(
                "Sorry, those times don't fit together. What time of day would suit you?",
                heard=self.words.strip(),
            )
        if self.days is None:
            # Hours with no day: today if that part of today is still ahead, else tomorrow.
            day = self.today if until > self.now else self.today + timedelta(days=1)
            self.days = (day, day)
        return Phrase(self.days[0], self.days[1], since, until, self.exact)


_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))


def _calendar_spans(today: date) -> list[tuple[str, tuple[date, date]]]:
    """Named stretches of the calendar, most specific first; weeks run Monday to Sunday."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    saturday = monday + timedelta(days=5)
    month_end = _month_end(today)
    next_month = month_end + timedelta(days=1)
    return [
        (r"next weekend|the weekend after", (saturday + timedelta(7), sunday + timedelta(7))),
        (r"(?:this|the) weekend|weekend", (saturday, sunday)),
        (r"later this week|later in the week", (today + timedelta(1), sunday)),
        (r"(?:the )?end of (?:the|this) week", (monday + timedelta(3), sunday)),
        (r"this week", (today, sunday)),
        (
            r"early next week|(?:the )?beginning of next week",
            (monday + timedelta(7), monday + timedelta(9)),
        ),
        (
            r"(?:the )?end of next week|late next week|later next week",
            (monday + timedelta(10), sunday + timedelta(7)),
        ),
        (r"next week|the following week", (monday + timedelta(7), sunday + timedelta(7))),
        (r"(?:later )?this month|(?:the )?rest of the month", (today, month_end)),
        (r"(?:the )?end of (?:the|this) month", (month_end - timedelta(6), month_end)),
        (
            r"early next month|(?:the )?beginning of next month",
            (next_month, next_month + timedelta(6)),
        ),
        (r"next month", (next_month, _month_end(next_month))),
    ]


def _number(word: str) -> int | None:
    word = word.strip()
    if word.isdigit():
        return int(word)
    return NUMBERS.get(word)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _shift(moment: time, minutes: int) -> time:
    total = max(0, min(24 * 60 - 1, moment.hour * 60 + moment.minute + minutes))
    return time(total // 60, total % 60)
