"""The one rewrite of a phrase into the canonical form the grammar reads
(:mod:`agent_tools.time_reader`): number words become digits ("twenty five" -> 25), ordinals
become ``<n>th`` ("the first" -> "the 1th", "22nd" -> "22th"), spoken clocks become ``H:MM``
(:mod:`agent_tools.time_clock`), offsets become minutes ("half an hour" -> "30 minutes"), ranges
written with a dash become "to", and a few word orders are settled ("late tomorrow afternoon" ->
"tomorrow late afternoon"). Pure.
"""

from __future__ import annotations

from agent_tools.time_clock import NUMBER_HINTS, spoken_clock
from agent_tools.time_words import (
    CARDINALS,
    ORDINAL_UNITS,
    ORDINALS,
    TENS,
    UNITS,
    WEEKDAY_NAMES,
    Rewrite,
    apply,
    rule,
)

_ORDINAL_WORDS = rf"\b({'|'.join(ORDINALS)})\b(?! thing)"
_CARDINAL_WORDS = rf"\b({'|'.join(CARDINALS)})\b"


_ORDINALS = [
    rule(
        rf"\b({'|'.join(TENS)}) ({'|'.join(ORDINAL_UNITS)})\b",
        lambda m: f"{TENS[m[1]] + ORDINALS[m[2]]}th",
        "twenty",
        "thirty",
    ),
    rule(
        _ORDINAL_WORDS,
        lambda m: f"{ORDINALS[m[1]]}th",
        *("first", "second", "third", "th", "fifth", "ninth", "twelfth"),
    ),
    rule(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1th", "st", "nd", "rd", "th"),
]


_OFFSETS: list[Rewrite] = [
    rule(r"\b(?:a |one )?quarter of an hour\b", "15 minutes", "quarter"),
    rule(r"\bthree quarters of an hour\b", "45 minutes", "quarters"),
    rule(r"\b(?:a |one )?half (?:an |a |1 )hour\b", "30 minutes", "half"),
    rule(r"\b(?:an|a|1|one) hour and a half\b", "90 minutes", "and a half"),
    rule(r"\b(\d+) and a half hours\b", lambda m: f"{int(m[1]) * 60 + 30} minutes", "and a half"),
    rule(r"\b(\d+)\.5 hours\b", lambda m: f"{int(m[1]) * 60 + 30} minutes", ".5"),
    rule(r"\b(?:a |an )?couple(?: of)?\b", "2", "couple"),
    rule(r"\b(?:a )?few\b", "3", "few"),
    rule(r"\b(?:a |one )?fortnight\b", "2 weeks", "fortnight"),
    rule(
        r"\b(?:a|an)\b(?= (?:minute|hour|day|week|month)s?\b)",
        "1",
        "minute",
        "hour",
        "day",
        "week",
        "month",
    ),
    rule(r"\b(\d+) ?hrs?\b", r"\1 hours", "hr"),
    rule(r"(?<=\bin )(\d+) ?h\b", r"\1 hours", "in "),
    rule(r"\b(\d+) ?mins?\b", r"\1 minutes", "min"),
    rule(r"\b(week|day|hour|minute)(?:'s|s'?)? time\b", r"\1s", " time"),
]

_REWRITES: list[Rewrite] = [
    rule(r"\b(?:in the |of the )?(am|pm)\b", r"\1", "am", "pm"),
    rule(r"\b(?:mid ?day|12 noon|noon time)\b", "noon", "mid", "noon"),
    rule(r"\bmid ?night\b", "midnight", "mid"),
    rule(r"\bo'? ?clock\b", "", "clock"),
    rule(r"\b(?:tomorrows|tmrw|tmr)\b", "tomorrow", "tm", "tomorrows"),
    rule(r"\bthis night\b", "tonight", "this night"),
    rule(r"@", " at ", "@"),
    rule(r"\bno earlier than\b", "after", "no earlier"),
    rule(r"^(.*?)\b(?:any )?weekdays?\b(.*)$", r"\1 \2 except saturday and sunday", "weekday"),
    rule(r"\b((?:this|next) month) on the (\d{1,2}th)\b", r"the \2 of \1", "month on"),
    rule(r"\ball day\b", "any day", "all day"),
    rule(r"\bby (?=(?:the )?end of)", "", "by "),
    rule(r"(\S+(?: [ap]m)?) or (later|after)\b", r"after \1", "or later", "or after"),
    rule(r"(\S+(?: [ap]m)?) or (earlier|before)\b", r"before \1", "or earlier", "or before"),
    rule(r"\blater (today|tonight|this (?:morning|afternoon|evening))\b", r"\1", "later"),
    rule(r"\bnot (before|after)\b", lambda m: "after" if m[1] == "before" else "before", "not "),
    rule(r"\b(?:the )?(?:this|same) time next week\b", "1 week from today same time", "time next"),
    rule(r"\bend of (today|tomorrow)\b", r"\1 end of the day", "end of t"),
    rule(r"\b(from|between) (\d{1,2}(?::\d\d)?) in the morning\b", r"\1 \2 am", "morning"),
    rule(
        r"\b(from|between) (\d{1,2}(?::\d\d)?) in the (?:afternoon|evening)\b",
        r"\1 \2 pm",
        "afternoon",
        "evening",
    ),
    rule(
        rf"\b({WEEKDAY_NAMES}) (morning|afternoon|evening) ((?:next|this) week)\b",
        r"\1 \3 \2",
        "week",
    ),
    rule(
        r"\b(?:round about|approximately|approx|roughly|about|around)\b",
        "around",
        "round",
        "about",
        "approx",
        "roughly",
    ),
    rule(r"\bmid ?(morning|afternoon)\b", r"mid-\1", "mid"),
    rule(r"\b(?:the )?tail end\b", "end", "tail"),
    rule(r"\bearly in the (morning|afternoon|evening)\b", r"early \1", "early in"),
    rule(r"\bfirst thing in the morning\b", "first thing", "first thing"),
    rule(r"\bfirst thing (.+?) morning\b", r"\1 first thing", "first thing"),
    rule(
        rf"\b(early|late|mid) ((?:next |this )?(?:{WEEKDAY_NAMES}|tomorrow|today)) "
        r"(morning|afternoon|evening)\b",
        r"\2 \1 \3",
        "early",
        "late",
        "mid",
    ),
    rule(
        rf"\b(next|this) week (?:between|from) ({WEEKDAY_NAMES}) (?:and|to) ({WEEKDAY_NAMES})\b",
        r"\2 \1 week to \3 \1 week",
        "week b",
        "week f",
    ),
]


_PUNCTUATION = [
    rule(r"(?<=[\d\s])([ap])\.? ?m\b\.?", r"\1m", ".", " m"),
    rule(r"(\d{1,2})\.(\d{2})(?!\d)", r"\1:\2", "."),
    rule(rf"\b({WEEKDAY_NAMES}) ?- ?({WEEKDAY_NAMES})\b", r"\1 to \2", "-"),
    rule(rf"\b({WEEKDAY_NAMES}) ?/ ?({WEEKDAY_NAMES})\b", r"\1 or \2", "/"),
    rule(r"(?<=[a-z])-(?=[a-z])", " ", "-"),
    rule(r"\s*-\s*ish\b|\s*ish\b", " ish", "ish"),
    rule(r"\bish ?([ap]m)\b", r"\1 ish", "ish"),
    rule(r"(?<!\d)[,.;!?]|[,;!?]", " ", ",", ".", ";", "!", "?"),
    rule(r"\s*-\s*", " to ", "-"),
    rule(r"\s+", " "),
]
_CARDINALS = [
    rule(
        rf"\b({'|'.join(TENS)}) ({'|'.join(UNITS)})\b",
        lambda m: str(TENS[m[1]] + CARDINALS[m[2]]),
        *TENS,
    ),
    rule(_CARDINAL_WORDS, lambda m: str(CARDINALS[m[1]]), *NUMBER_HINTS),
    rule(r"\s+", " "),
]


def normalize(text: str) -> str:
    """The phrase in canonical form (see the module docstring)."""
    words = apply(_PUNCTUATION, text.lower().replace("\u2019", "'").strip()).strip()
    words = apply(_REWRITES, words)
    words = apply(_ORDINALS, words)
    words = apply(_OFFSETS, words)
    words = spoken_clock(words)
    return apply(_CARDINALS, words).strip()
