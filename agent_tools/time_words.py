"""The words callers use for time, and the one rewrite of a phrase into the reader's canonical form.

Pure. :func:`normalize` turns the many spoken and written forms into one form the grammar in
:mod:`agent_tools.phrases` reads: number words become digits ("twenty five" -> 25), ordinals
become ``<n>th`` ("the first" -> "the 1th", "22nd" -> "22th"), spoken clocks become ``H:MM``
("quarter past two" -> 2:15, "twenty to five" -> 4:40, "15h30" -> 15:30), offsets become minutes
("half an hour" -> "30 minutes"), and ranges written with a dash become "to".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time

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
WEEKDAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
CARDINALS = {w: i for i, w in enumerate(_UNITS, 1)} | {w: i for i, w in enumerate(_TEENS, 10)}
CARDINALS |= _TENS
_ORDINAL_UNITS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
]
_ORDINAL_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
ORDINALS = {w: i for i, w in enumerate(_ORDINAL_UNITS, 1)}
ORDINALS |= {w: i for i, w in enumerate(_ORDINAL_TEENS, 10)}
ORDINALS |= {"twentieth": 20, "thirtieth": 30}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FILLER = _words(
    """on the at in for of please sometime some time maybe preferably ideally any day i i'd id
    would like love could can you do we have is are there anything something available free
    open appointment appointments slot slots book booking me a an or how what works work best
    good it that be possible if get come earliest no yes ok okay um uh so well just around
    this either then anytime"""
)
# A phrase made only of these words (with at least one of KEY_ASAP) means "the earliest".
ASAP_WORDS = _words(
    """as soon possible you can asap earliest soonest first next available whenever any anytime
    time no preference right now immediately straight away sometime whatever's whatevers is
    works i don't dont mind the please appointment slot have at moment early"""
)
KEY_ASAP = _words(
    """asap soonest earliest available whenever anytime now immediately straight sometime mind
    preference possible time moment soon"""
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


def is_asap(words: str) -> bool:
    """Whether the words only ask for the earliest time ("right now", "whenever works")."""
    tokens = words.split()
    return bool(tokens) and set(tokens) <= ASAP_WORDS and bool(set(tokens) & KEY_ASAP)


def number(word: str) -> int | None:
    """20 for "20", "twenty"; 25 for "twenty five"; None for anything else."""
    word = word.strip()
    if word.isdigit():
        return int(word)
    parts = word.split()
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + CARDINALS[parts[1]]
    return CARDINALS.get(word)


_NUM = (
    rf"(?:(?:{'|'.join(_TENS)})(?: (?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS + _UNITS)}|\d{{1,2}})"
)
_HOUR = rf"(?:{'|'.join(_TEENS[:3] + _UNITS)}|\d{{1,2}}|noon|midnight)"
_MINUTE_WORD = rf"(?:(?:{'|'.join(_TENS)})(?: (?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}|five)"


def _hour(word: str) -> int:
    return {"noon": 12, "midnight": 0}.get(word) or number(word) or 0


def _clock(hour: int, minute: int, named: str) -> str:
    if named == "noon":
        return f"{hour % 24}:{minute:02d} {'pm' if hour >= 12 else 'am'}"
    if named == "midnight":
        return f"{hour % 12}:{minute:02d} {'am' if hour % 24 == 0 else 'pm'}"
    return f"{hour}:{minute:02d}"


def _minutes(said: str) -> int:
    said = re.sub(r" (?:minutes?|mins?)$", "", said)
    return 15 if said.endswith("quarter") else 30 if said == "half" else number(said) or 0


def _past(match: re.Match[str]) -> str:
    hour = match["h"] or match["h2"]
    return _clock(_hour(hour), _minutes(match["m"] or match["m2"]), hour)


def _to(match: re.Match[str]) -> str:
    minute = _minutes(match["m"])
    hour = _hour(match["h"]) or 24
    return _clock(hour - 1, 60 - minute, match["h"])


_COMPILED: dict[str, re.Pattern[str]] = {}


def _sub(
    pattern: str,
    replacement: str | Callable[[re.Match[str]], str],
    words: str,
    needles: tuple[str, ...] = (),
) -> str:
    """``re.sub`` with the pattern compiled once, skipped when none of ``needles`` (words the
    pattern cannot match without) is in the text: most rewrites never apply to a phrase."""
    if needles and not any(needle in words for needle in needles):
        return words
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled.sub(replacement, words)


_ORDINAL_WORDS = rf"\b({'|'.join(ORDINALS)})\b(?! thing)"
_CARDINAL_WORDS = rf"\b({'|'.join(CARDINALS)})\b"
_NUMBER_HINTS = (*_UNITS, "ten", "eleven", "twelve", "teen", *_TENS)
_END = r"(?=\b|[ap]m\b)"  # the hour ends there, or runs into "pm"


def _spoken_clock(words: str) -> str:
    minutes = r"(?: (?:minutes?|mins?))"
    words = _sub(
        rf"\b(?P<m>(?:a )?quarter|half|{_NUM}{minutes}?) past (?P<h>{_HOUR}){_END}"
        rf"|\b(?P<m2>(?:a )?quarter|{_MINUTE_WORD}|{_NUM}{minutes}) after (?P<h2>{_HOUR}){_END}",
        _past,
        words,
        ("past", "after"),
    )
    words = _sub(
        rf"(?<!from )(?<!between )\b(?P<m>(?:a )?quarter|{_MINUTE_WORD}|{_NUM}{minutes}"
        rf"|\d{{1,2}}(?= to (?:noon|midnight))) (?:to|of|till) (?P<h>{_HOUR}){_END}",
        _to,
        words,
        (" to ", " of ", " till "),
    )
    words = _sub(
        rf"\bhalf (?P<h>{_HOUR})\b(?! hours?)",
        lambda m: _clock(_hour(m["h"]), 30, m["h"]),
        words,
        ("half",),
    )
    words = _sub(
        rf"\b(?P<h>{'|'.join(_TEENS + _UNITS)}) (?:oh |o )?(?P<m>{_MINUTE_WORD}|(?<=oh |.o )"
        rf"(?:{'|'.join(_UNITS)}))\b(?! (?:minutes?|hours?|days?|weeks?|of|th)\b)",
        lambda m: f"{number(m['h'])}:{number(m['m']):02d}",
        words,
        _NUMBER_HINTS,
    )
    words = _sub(
        r"\b([01]?\d|2[0-3])h([0-5]\d)?\b", lambda m: f"{m[1]}:{m[2] or '00'}", words, ("h",)
    )
    words = _sub(r"\b([01]?\d|2[0-3])([0-5]\d) hours\b", r"\1:\2", words, ("hours",))
    words = _sub(
        r"(?<![\d/:])\b(1[0-2]|0?[1-9])([0-5]\d) ?(?=[ap]m\b)", r"\1:\2 ", words, ("am", "pm")
    )
    words = _sub(
        r"\b(at|around|tonight|today|tomorrow|by|after|before) ([01]?\d|2[0-3])([0-5]\d)\b",
        r"\1 \2:\3",
        words,
        ("at ", "around", "tonight", "today", "tomorrow", "by ", "after", "before"),
    )
    words = _sub(
        r"(?<=\bat )(1?\d|2[0-3]) ([0-5]\d)\b(?! ?(?:th|days?|weeks?|minutes?))",
        r"\1:\2",
        words,
        ("at ",),
    )
    return _sub(r"^([01]?\d|2[0-3])([0-5]\d)$", r"\1:\2", words)


def _ordinals(words: str) -> str:
    tens = "|".join(_TENS)
    words = _sub(
        rf"\b({tens}) ({'|'.join(_ORDINAL_UNITS)})\b",
        lambda m: f"{_TENS[m[1]] + ORDINALS[m[2]]}th",
        words,
        ("twenty", "thirty"),
    )
    words = _sub(
        _ORDINAL_WORDS,
        lambda m: f"{ORDINALS[m[1]]}th",
        words,
        ("first", "second", "third", "th", "fifth", "ninth", "twelfth"),
    )
    return _sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1th", words, ("st", "nd", "rd", "th"))


_OFFSETS: list[tuple[str, str | Callable[[re.Match[str]], str], tuple[str, ...]]] = [
    (r"\b(?:a |one )?quarter of an hour\b", "15 minutes", ("quarter",)),
    (r"\bthree quarters of an hour\b", "45 minutes", ("quarters",)),
    (r"\b(?:a |one )?half (?:an |a |1 )hour\b", "30 minutes", ("half",)),
    (r"\b(?:an|a|1|one) hour and a half\b", "90 minutes", ("and a half",)),
    (r"\b(\d+) and a half hours\b", lambda m: f"{int(m[1]) * 60 + 30} minutes", ("and a half",)),
    (r"\b(\d+)\.5 hours\b", lambda m: f"{int(m[1]) * 60 + 30} minutes", (".5",)),
    (r"\b(?:a |an )?couple(?: of)?\b", "2", ("couple",)),
    (r"\b(?:a )?few\b", "3", ("few",)),
    (r"\b(?:a |one )?fortnight\b", "2 weeks", ("fortnight",)),
    (
        r"\b(?:a|an)\b(?= (?:minute|hour|day|week|month)s?\b)",
        "1",
        ("minute", "hour", "day", "week", "month"),
    ),
    (r"\b(\d+) ?hrs?\b", r"\1 hours", ("hr",)),
    (r"(?<=\bin )(\d+) ?h\b", r"\1 hours", ("in ",)),
    (r"\b(\d+) ?mins?\b", r"\1 minutes", ("min",)),
    (r"\b(week|day)(?:'s|s'?)? time\b", r"\1s", (" time",)),
]

_REWRITES: list[tuple[str, str | Callable[[re.Match[str]], str], tuple[str, ...]]] = [
    (r"\b(?:in the |of the )?(am|pm)\b", r"\1", ("am", "pm")),
    (r"\b(?:mid ?day|12 noon|noon time)\b", "noon", ("mid", "noon")),
    (r"\bmid ?night\b", "midnight", ("mid",)),
    (r"\bo'? ?clock\b", "", ("clock",)),
    (r"\b(?:tomorrows|tmrw|tmr)\b", "tomorrow", ("tm", "tomorrows")),
    (r"\bthis night\b", "tonight", ("this night",)),
    (r"@", " at ", ("@",)),
    (r"\b((?:this|next) month) on the (\d{1,2}th)\b", r"the \2 of \1", ("month on",)),
    (r"\ball day\b", "any day", ("all day",)),
    (r"\bby (?=(?:the )?end of)", "", ("by ",)),
    (r"(\S+(?: [ap]m)?) or (later|after)\b", r"after \1", ("or later", "or after")),
    (r"(\S+(?: [ap]m)?) or (earlier|before)\b", r"before \1", ("or earlier", "or before")),
    (r"\blater (today|tonight|this (?:morning|afternoon|evening))\b", r"\1", ("later",)),
    (r"\bnot (before|after)\b", lambda m: "after" if m[1] == "before" else "before", ("not ",)),
    (r"\b(?:the )?(?:this|same) time next week\b", "1 week from today same time", ("time next",)),
    (r"\bend of (today|tomorrow)\b", r"\1 end of the day", ("end of t",)),
    (r"\b(from|between) (\d{1,2}(?::\d\d)?) in the morning\b", r"\1 \2 am", ("morning",)),
    (
        r"\b(from|between) (\d{1,2}(?::\d\d)?) in the (?:afternoon|evening)\b",
        r"\1 \2 pm",
        ("afternoon", "evening"),
    ),
    (
        rf"\b({WEEKDAY_NAMES}) (morning|afternoon|evening) ((?:next|this) week)\b",
        r"\1 \3 \2",
        ("week",),
    ),
    (
        r"\b(?:round about|approximately|approx|roughly|about|around)\b",
        "around",
        ("round", "about", "approx", "roughly"),
    ),
    (r"\bmid ?(morning|afternoon)\b", r"mid-\1", ("mid",)),
    (r"\b(?:the )?tail end\b", "end", ("tail",)),
    (r"\bearly in the (morning|afternoon|evening)\b", r"early \1", ("early in",)),
    (r"\bfirst thing in the morning\b", "first thing", ("first thing",)),
    (r"\bfirst thing (.+?) morning\b", r"\1 first thing", ("first thing",)),
    (
        rf"\b(early|late|mid) ((?:next |this )?(?:{WEEKDAY_NAMES}|tomorrow|today)) "
        r"(morning|afternoon|evening)\b",
        r"\2 \1 \3",
        ("early", "late", "mid"),
    ),
    (
        rf"\b(next|this) week (?:between|from) ({WEEKDAY_NAMES}) (?:and|to) ({WEEKDAY_NAMES})\b",
        r"\2 \1 week to \3 \1 week",
        ("week b", "week f"),
    ),
]


def normalize(text: str) -> str:
    """The phrase in canonical form (see the module docstring); ASAP phrases stay recognisable."""
    words = text.lower().replace("\u2019", "'").strip()
    words = _sub(r"(?<=[\d\s])([ap])\.? ?m\b\.?", r"\1m", words, (".", " m"))
    words = _sub(r"(\d{1,2})\.(\d{2})(?!\d)", r"\1:\2", words, (".",))
    words = _sub(r"(?<=[a-z])-(?=[a-z])", " ", words, ("-",))
    words = _sub(r"\s*-\s*ish\b|\s*ish\b", " ish", words, ("ish",))
    words = _sub(r"\bish ?([ap]m)\b", r"\1 ish", words, ("ish",))
    words = _sub(r"(?<!\d)[,.;!?]|[,;!?]", " ", words, (",", ".", ";", "!", "?"))
    words = _sub(r"\s*-\s*", " to ", words, ("-",))
    words = _sub(r"\s+", " ", words).strip()
    for pattern, replacement, needles in _REWRITES:
        words = _sub(pattern, replacement, words, needles)
    words = _ordinals(words)
    for offset, rewrite, hints in _OFFSETS:
        words = _sub(offset, rewrite, words, hints)
    words = _spoken_clock(words)
    words = _sub(
        rf"\b({'|'.join(_TENS)}) ({'|'.join(_UNITS)})\b",
        lambda m: str(_TENS[m[1]] + CARDINALS[m[2]]),
        words,
        ("twenty", "thirty", "forty", "fifty"),
    )
    words = _sub(_CARDINAL_WORDS, lambda m: str(CARDINALS[m[1]]), words, _NUMBER_HINTS)
    return _sub(r"\s+", " ", words).strip()
