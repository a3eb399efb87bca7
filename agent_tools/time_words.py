"""The words callers use for time: weekdays, months, numbers, ordinals, filler; the per-business
conventions; and the one regex helper the rewrites share.

Pure; the rewrite into canonical form is :mod:`agent_tools.time_normalize`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import NamedTuple

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

UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
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
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
CARDINALS = {w: i for i, w in enumerate(UNITS, 1)} | {w: i for i, w in enumerate(TEENS, 10)}
CARDINALS |= TENS
ORDINAL_UNITS = [
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
ORDINAL_TEENS = [
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
ORDINALS = {w: i for i, w in enumerate(ORDINAL_UNITS, 1)}
ORDINALS |= {w: i for i, w in enumerate(ORDINAL_TEENS, 10)}
ORDINALS |= {"twentieth": 20, "thirtieth": 30}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FILLER = _words(
    """on the at in for of please sometime some time maybe preferably ideally any day i i'd id
    would like love could can you do we have is are there anything something available free
    open appointment appointments slot slots book booking me a an or how what works work best
    good it that be possible if get come earliest no yes ok okay um uh so well just around
    this either then anytime i'm im we're we'll i'll should will perhaps probably really fine
    great thanks thank hi hello yeah only want to need meet let's lets put down does chance
    possibly"""
)
# A phrase made only of these words (with at least one of KEY_ASAP) means "the earliest".
ASAP_WORDS = _words(
    """as soon possible you can asap earliest soonest first next available whenever any anytime
    time no preference right now immediately straight away sometime whatever's whatevers is
    works i don't dont mind the please appointment slot have at moment early your opening
    openings do need an a want to come in get book sooner better"""
)
KEY_ASAP = _words(
    """asap soonest earliest available whenever anytime now immediately straight sometime mind
    preference possible time moment soon your sooner"""
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
            "early evening": (time(17), time(19)),
            "evening": (time(17), END),
        }
    )


def is_asap(words: str) -> bool:
    """Whether the words only ask for the earliest time ("right now", "whenever works")."""
    tokens = set(words.split())
    key = tokens & KEY_ASAP or {"next", "opening"} <= tokens  # "your next opening"
    return bool(tokens) and tokens <= ASAP_WORDS and bool(key)


def number(word: str) -> int | None:
    """20 for "20", "twenty"; 25 for "twenty five"; None for anything else."""
    word = word.strip()
    if word.isdigit():
        return int(word)
    parts = word.split()
    if len(parts) == 2 and parts[0] in TENS and parts[1] in UNITS:
        return TENS[parts[0]] + CARDINALS[parts[1]]
    return CARDINALS.get(word)


Replacement = str | Callable[[re.Match[str]], str]


class Rewrite(NamedTuple):
    """One regex rewrite of a phrase, compiled once; skipped (cheaply) when none of its needles
    (literal words the pattern cannot match without) is in the phrase."""

    pattern: re.Pattern[str]
    replacement: Replacement
    needles: re.Pattern[str] | None


def rule(pattern: str, replacement: Replacement, *needles: str) -> Rewrite:
    """A :class:`Rewrite` of ``pattern``; ``needles`` as above (none: always tried)."""
    hint = re.compile("|".join(map(re.escape, needles))) if needles else None
    return Rewrite(re.compile(pattern), replacement, hint)


def apply(rules: Sequence[Rewrite], words: str) -> str:
    """The words after each rule in turn (a plain loop over tuples: ~70 rules run per phrase)."""
    for pattern, replacement, needles in rules:
        if needles is None or needles.search(words) is not None:
            words = pattern.sub(replacement, words)
    return words


def mentions(words: str, needles: tuple[str, ...]) -> bool:
    """Whether any of the literal needles is in the words (one compiled search, cached)."""
    compiled = _NEEDLES.get(needles)
    if compiled is None:
        compiled = _NEEDLES[needles] = re.compile("|".join(map(re.escape, needles)))
    return compiled.search(words) is not None


_NEEDLES: dict[tuple[str, ...], re.Pattern[str]] = {}
