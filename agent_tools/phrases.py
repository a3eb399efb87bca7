"""What callers say about time, read into days and hours; pure, no clock of its own.

:func:`read_phrases` turns "Monday or Tuesday morning" into :class:`Phrase` spans (local dates
and a daily span of wall-clock time). It composes the one-phrase grammar
(:mod:`agent_tools.time_reader`, day rules in :mod:`agent_tools.time_days`) into lists ("Monday or
Tuesday"), exclusions ("any day but Friday") and day ranges ("from the 13th to the 15th").
Anything it does not understand is an :class:`~agent_tools.errors.UnclearTime`, never a guess at
another day. Conventions: docs/time-phrases.md and, per business, :class:`Conventions`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time, timedelta

from agent_tools.errors import UnclearTime
from agent_tools.time_days import read, read_days
from agent_tools.time_normalize import normalize
from agent_tools.time_reader import Context, Hours, NeedsTheTime, Phrase, unclear
from agent_tools.time_words import (
    END,
    MIDNIGHT,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Conventions,
    is_asap,
)

__all__ = ["END", "MIDNIGHT", "Conventions", "Hours", "NeedsTheTime", "Phrase", "read_phrases"]

_BARE_DAY = r"(?:the )?\d{1,2}(?:th)?"
_EXCEPT = re.compile(r" (?:but not|except(?: for)?|but(?! before| after)|not) ")
_DAYISH = re.compile(
    rf"\b(?:{WEEKDAY_NAMES}|{MONTH_NAMES}|today|tomorrow|now|next|this|week|month|\d+th)\b|/"
)
_MONTH_DAY_END = re.compile(rf"\b(?:{MONTH_NAMES}) (?:the )?\d{{1,2}}(?:th)?$|\d+th$")
_RANGE = re.compile(
    r"(?:from |between |starting )?(?P<a>.+?) (?:to|until|till|til|through|thru) (?P<b>.+)"
    r"|between (?P<a2>.+?) and (?P<b2>.+)"
)
# "Monday and Wednesday" is a list (either suits); "between Monday and Wednesday" a range, and
# "after 2 and before 5" one window.
_OR = re.compile(r"\bor\b")
_OR_AND = re.compile(r"\bor\b|\band\b(?! (?:before|after)\b)")


def read_phrases(
    text: str, today: date, now: time | None, hours: Hours, conventions: Conventions | None = None
) -> list[Phrase] | None:
    """The phrase's spans (several for a list, an exclusion, or two readings), or None for
    "as soon as possible". With ``now`` None the words are read for the whole of ``today``:
    words whose meaning depends on the time of day raise NeedsTheTime."""
    if is_asap(" ".join(re.sub(r"[,;!?]", " ", text.lower().replace(".", "")).split())):
        return None
    words = normalize(text)
    if is_asap(words):
        return None
    context = Context(today, now, hours, conventions or Conventions())
    if _EXCEPT.search(f" {words} "):
        return _excluding(words, context)
    alternatives = _OR if "between" in words else _OR_AND
    if alternatives.search(words):
        return _either(words, context, alternatives)
    return _day_range(words, context) or read(words, context).phrases()


def _excluding(words: str, context: Context) -> list[Phrase]:
    """ "any day but Friday" (the next 7 days), "next week except Wednesday": the days of the
    scope minus the days named, as runs of consecutive days."""
    scope_words, excluded_words = (p.strip() for p in _EXCEPT.split(f" {words} ", maxsplit=1))
    scope_words = re.sub(r"\b(?:any ?day|any ?time|anytime|whenever)\b", " ", scope_words).strip()
    week = (context.today, context.today + timedelta(days=6))  # no days said: the next 7
    if scope_words:
        reader = read(scope_words, context)
        (scope,) = reader.phrases(days=week) if reader.days is None else reader.phrases()
    else:
        scope = Phrase(*week)
    dropped: set[date] = set()
    for part in re.split(r" or | and | nor |, ", excluded_words.removeprefix("on ")):
        if part.removeprefix("on ") in WEEKDAYS:  # "next week but not Friday": every Friday in it
            target = WEEKDAYS[part.removeprefix("on ")]
            dropped.update(d for d in _each_day(scope.first, scope.last) if d.weekday() == target)
            continue
        days = read_days(part, context)
        if days is None:
            raise unclear(part)
        dropped.update(_each_day(*days))
    kept = [day for day in _each_day(scope.first, scope.last) if day not in dropped]
    if not kept:
        raise UnclearTime("That leaves no day at all. Which day would suit you?", heard=words)
    runs: list[list[date]] = []
    for day in kept:
        if runs and runs[-1][-1] + timedelta(days=1) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [replace(scope, first=run[0], last=run[-1]) for run in runs]


def _either(words: str, context: Context, alternatives: re.Pattern[str]) -> list[Phrase]:
    """ "Monday or Tuesday morning": each alternative, sharing the days or hours only one
    names ("at 2 or 3 tomorrow", "March 22 or 23", "Monday or Friday next week")."""
    parts = [p.strip() for p in alternatives.split(words.removeprefix("either ")) if p.strip()]
    if len(parts) < 2:
        raise unclear(words)
    parts = _filled_in(parts)
    readers = [read(part, context) for part in parts]
    days = next((r.days for r in reversed(readers) if r.days is not None), None)
    hours = next((r.hours() for r in reversed(readers) if r.hours() is not None), None)
    found: list[Phrase] = []
    week = timedelta(days=7)
    for part, reader in zip(parts, readers, strict=True):
        for said in reader.phrases(days, hours):
            # A list of weekdays reads forward: "Tuesday or Thursday" said on a Wednesday is
            # next Tuesday or the Thursday after it; "next Thursday or Friday" the Friday after.
            weekday = re.match(rf"(?:on )?(?:{WEEKDAY_NAMES})\b", part)
            behind = bool(found and weekday and said.first < found[-1].first)
            found.append(
                replace(said, first=said.first + week, last=said.last + week) if behind else said
            )
    return found


def _filled_in(parts: list[str]) -> list[str]:
    """The alternatives with what was said once written into each: "Monday, Tuesday" split,
    "this Friday or next" -> next Friday, "March 22 or 23" -> March 23, "at 2 or 3" -> at 3,
    "Monday or Friday next week" -> Monday next week."""
    if re.fullmatch(rf"(?:(?:{WEEKDAY_NAMES}) )+", f"{parts[0]} "):
        parts = parts[0].split() + parts[1:]  # "Monday, Tuesday or Thursday"
    for index in range(1, len(parts)):
        before = re.fullmatch(r"(?:this|next|the) (\w+)", parts[index - 1])
        if parts[index] == "next" and before:
            parts[index] = f"next {before[1]}"
    month = re.match(rf"(?:{MONTH_NAMES}) ", parts[0])
    week = re.search(r" (?:next|this) week$", parts[-1])
    for index, part in enumerate(parts):
        if month and re.fullmatch(_BARE_DAY, part):
            parts[index] = f"{month[0]}{part}"
        elif re.fullmatch(r"\d{1,2}(?::\d\d)?(?: ?[ap]m)?", part):
            parts[index] = f"at {part}"
        elif week and re.fullmatch(rf"(?:on )?(?:{WEEKDAY_NAMES})", part):
            parts[index] = f"{part}{week[0]}"
    return parts


def _day_range(words: str, context: Context) -> list[Phrase] | None:
    """ "from the 13th to the 15th July", "Tuesday - Friday", "between now and March 15th",
    "a week starting tomorrow": whole days from the first to the last named."""
    if match := re.fullmatch(r"(?P<n>\d+) (?P<u>day|week)s? starting (?:from )?(?P<a>.+)", words):
        first = _days_of(match["a"], context)
        if first is None:
            return None
        length = int(match["n"]) * (7 if match["u"] == "week" else 1)
        return [Phrase(first[0], first[0] + timedelta(days=length - 1))]
    match = _RANGE.fullmatch(words)
    if match is None:
        return None
    left, right = match["a"] or match["a2"], match["b"] or match["b2"]
    if not _DAYISH.search(right) and not (  # "between 1 and 3" is a clock range
        re.fullmatch(_BARE_DAY, right) and _MONTH_DAY_END.search(left)
    ):
        return None
    if re.fullmatch(_BARE_DAY, left) and (tail := re.match(rf"{_BARE_DAY} (.+)", right)):
        left = f"{left} {tail[1]}"  # "5 to 16 Aug", "the 4th to the 23rd of next month"
    if re.fullmatch(_BARE_DAY, right) and (head := re.match(rf"(.+? ){_BARE_DAY}$", left)):
        right = f"{head[1]}{right}"  # "Aug 5 - 16", "July 13-15"
    first = _days_of(left, context)
    if first is None:
        return None
    if right.removeprefix("on ") in WEEKDAYS:  # "next Tuesday - Friday": the Friday after
        target = WEEKDAYS[right.removeprefix("on ")]
        last_day = first[1] + timedelta(days=(target - first[1].weekday()) % 7)
        return [Phrase(first[0], last_day)]
    last = _days_of(right, context)
    if last is None:
        return None
    if last[1] < first[0]:
        raise UnclearTime("Sorry, that range of days ends before it starts.", heard=words)
    return [Phrase(first[0], last[1])]


def _days_of(words: str, context: Context) -> tuple[date, date] | None:
    if words == "now":
        return context.today, context.today
    return read_days(words, context)


def _each_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
