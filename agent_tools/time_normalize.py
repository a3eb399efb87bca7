"""The one rewrite of a phrase into the canonical form the grammar reads
(:mod:`agent_tools.time_reader`): number words become digits ("twenty five" -> 25), ordinals
become ``<n>th`` ("the first" -> "the 1th", "22nd" -> "22th"), spoken clocks become ``H:MM``
(:mod:`agent_tools.time_clock`), offsets become minutes ("half an hour" -> "30 minutes"), ranges
written with a dash become "to", and a few word orders are settled ("late tomorrow afternoon" ->
"tomorrow late afternoon"). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent_tools.time_clock import NUMBER_HINTS, spoken_clock
from agent_tools.time_words import (
    CARDINALS,
    ORDINAL_UNITS,
    ORDINALS,
    TENS,
    UNITS,
    WEEKDAY_NAMES,
    rewrite,
)

_ORDINAL_WORDS = rf"\b({'|'.join(ORDINALS)})\b(?! thing)"
_CARDINAL_WORDS = rf"\b({'|'.join(CARDINALS)})\b"


def _ordinals(words: str) -> str:
    tens = "|".join(TENS)
    words = rewrite(
        rf"\b({tens}) ({'|'.join(ORDINAL_UNITS)})\b",
        lambda m: f"{TENS[m[1]] + ORDINALS[m[2]]}th",
        words,
        ("twenty", "thirty"),
    )
    words = rewrite(
        _ORDINAL_WORDS,
        lambda m: f"{ORDINALS[m[1]]}th",
        words,
        ("first", "second", "third", "th", "fifth", "ninth", "twelfth"),
    )
    return rewrite(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1th", words, ("st", "nd", "rd", "th"))


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
    (r"\b(week|day|hour|minute)(?:'s|s'?)? time\b", r"\1s", (" time",)),
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
    words = rewrite(r"(?<=[\d\s])([ap])\.? ?m\b\.?", r"\1m", words, (".", " m"))
    words = rewrite(r"(\d{1,2})\.(\d{2})(?!\d)", r"\1:\2", words, (".",))
    words = rewrite(r"(?<=[a-z])-(?=[a-z])", " ", words, ("-",))
    words = rewrite(r"\s*-\s*ish\b|\s*ish\b", " ish", words, ("ish",))
    words = rewrite(r"\bish ?([ap]m)\b", r"\1 ish", words, ("ish",))
    words = rewrite(r"(?<!\d)[,.;!?]|[,;!?]", " ", words, (",", ".", ";", "!", "?"))
    words = rewrite(r"\s*-\s*", " to ", words, ("-",))
    words = rewrite(r"\s+", " ", words).strip()
    for pattern, replacement, needles in _REWRITES:
        words = rewrite(pattern, replacement, words, needles)
    words = _ordinals(words)
    for offset, replacement, hints in _OFFSETS:
        words = rewrite(offset, replacement, words, hints)
    words = spoken_clock(words)
    words = rewrite(
        rf"\b({'|'.join(TENS)}) ({'|'.join(UNITS)})\b",
        lambda m: str(TENS[m[1]] + CARDINALS[m[2]]),
        words,
        ("twenty", "thirty", "forty", "fifty"),
    )
    words = rewrite(_CARDINAL_WORDS, lambda m: str(CARDINALS[m[1]]), words, NUMBER_HINTS)
    return rewrite(r"\s+", " ", words).strip()
