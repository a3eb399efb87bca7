"""Spoken and written clock times rewritten as ``H:MM``: "quarter past two" -> 2:15, "twenty to
five" -> 4:40, "ten of four" -> 3:50, "half three" -> 3:30, "two oh five" -> 2:05, "15h30" and
"1530 hours" -> 15:30, "at 1030" -> 10:30; "noon" and "midnight" keep their AM/PM. Pure.
"""

from __future__ import annotations

import re

from agent_tools.time_words import TEENS, TENS, UNITS, Rewrite, apply, number, rule

NUMBER_HINTS = (*UNITS, "ten", "eleven", "twelve", "teen", *TENS)
_END = r"(?=\b|[ap]m\b)"  # the hour ends there, or runs into "pm"
_NUM = rf"(?:(?:{'|'.join(TENS)})(?: (?:{'|'.join(UNITS)}))?|{'|'.join(TEENS + UNITS)}|\d{{1,2}})"
_HOUR = rf"(?:{'|'.join(TEENS[:3] + UNITS)}|\d{{1,2}}|noon|midnight)"
_MINUTE_WORD = rf"(?:(?:{'|'.join(TENS)})(?: (?:{'|'.join(UNITS)}))?|{'|'.join(TEENS)}|five)"


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
    return _clock((hour - 1) or 12, 60 - minute, match["h"])  # "quarter to one" is 12:45


_MINUTES = r"(?: (?:minutes?|mins?))"
SPOKEN_CLOCK: list[Rewrite] = [
    rule(
        rf"\b(?P<m>(?:a )?quarter|half|{_NUM}{_MINUTES}?) past (?P<h>{_HOUR}){_END}"
        rf"|\b(?P<m2>(?:a )?quarter|{_MINUTE_WORD}|{_NUM}{_MINUTES}) after (?P<h2>{_HOUR}){_END}",
        _past,
        "past",
        "after",
    ),
    rule(
        rf"(?<!from )(?<!between )\b(?P<m>(?:a )?quarter|{_MINUTE_WORD}|{_NUM}{_MINUTES}"
        rf"|\d{{1,2}}(?= to (?:noon|midnight))) (?:to|of|till) (?P<h>{_HOUR}){_END}",
        _to,
        " to ",
        " of ",
        " till ",
    ),
    rule(
        rf"\bhalf (?P<h>{_HOUR})\b(?! hours?)",
        lambda m: _clock(_hour(m["h"]), 30, m["h"]),
        "half",
    ),
    rule(
        rf"\b(?P<h>{'|'.join(TEENS + UNITS)}) (?:oh |o )?(?P<m>{_MINUTE_WORD}|(?<=oh |.o )"
        rf"(?:{'|'.join(UNITS)}))\b(?! (?:minutes?|hours?|days?|weeks?|of|th)\b)",
        lambda m: f"{number(m['h'])}:{number(m['m']):02d}",
        *NUMBER_HINTS,
    ),
    rule(r"\b([01]?\d|2[0-3])h([0-5]\d)?\b", lambda m: f"{m[1]}:{m[2] or '00'}", "h"),
    rule(r"\b([01]?\d|2[0-3])([0-5]\d) hours\b", r"\1:\2", "hours"),
    rule(r"(?<![\d/:])\b(1[0-2]|0?[1-9])([0-5]\d) ?(?=[ap]m\b)", r"\1:\2 ", "am", "pm"),
    rule(
        r"\b(at|around|tonight|today|tomorrow|by|after|before) ([01]?\d|2[0-3])([0-5]\d)\b",
        r"\1 \2:\3",
        *("at ", "around", "tonight", "today", "tomorrow", "by ", "after", "before"),
    ),
    rule(r"(?<=\bat )(1?\d|2[0-3]) ([0-5]\d)\b(?! ?(?:th|days?|weeks?|minutes?))", r"\1:\2", "at "),
    rule(r"^([01]?\d|2[0-3])([0-5]\d)$", r"\1:\2"),
]


def spoken_clock(words: str) -> str:
    """The words with every clock time said as ``H:MM``."""
    return apply(SPOKEN_CLOCK, words)
