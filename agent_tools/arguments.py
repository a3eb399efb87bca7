"""Argument types the tools' models share.

``TimeText`` is what a caller or the agent says about time (a phrase, ISO 8601, a range or a
slot id). A year written in ISO form in it must be one a business could book (1900-2199):
anything further is refused as ``invalid_arguments`` before date arithmetic could overflow at
the calendar's edges (year 1 or 9999). In spoken text a four-digit number from 2400 up can be
neither a clock time ("at 2230") nor a bookable year, so it is refused too.

``FreeText`` (names, notes, reasons) is cleaned of line breaks, control characters and
bidirectional overrides. ``Phone`` is a number read into E.164 in the business's country, which
arrives as pydantic's validation context (``{"country": "GB"}``) when the edge validates a tool
call; without it only numbers starting with ``+`` are read."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from agent_tools.errors import SpokenValueError
from agent_tools.phones import normalise

EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
# A year that opens ISO text ("9999-12-31"), an ISO range's second half ("/9999-..."), or a
# slot id's instant ("cleaning@99991231T2330Z").
_ISO_YEAR = re.compile(r"(?:^|[/@])\s*(\d{4})(?=-|\d{4}T)")
_FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _bookable_years(text: str) -> str:
    for match in _ISO_YEAR.finditer(text):
        year = int(match[1])
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValueError(f"the year {year} is out of reach; say a day within months")
    for match in _FOUR_DIGITS.finditer(text):
        if int(match[1]) >= 2400:
            raise ValueError(
                f"the year {match[1]} is out of reach; say a day within the next months"
            )
    return text


TimeText = Annotated[str, AfterValidator(_bookable_years)]


# Explicit direction marks, embeddings, overrides and isolates: they reorder what a reader sees.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def clean_text(value: Any) -> Any:
    """Line breaks and tabs become spaces; bidi controls, other control characters and
    invisible formatting go; NFC. Non-strings pass through for pydantic to refuse."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", _BIDI.sub("", value))
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\u200c\u200d"
    )
    return _SPACE.sub(" ", kept).strip()


def _phone(value: str, info: ValidationInfo) -> str:
    context = info.context if isinstance(info.context, dict) else {}
    country = context.get("country")
    return normalise(value, country if isinstance(country, str) else None).e164


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


def _email(value: str) -> str:
    """An address a message could reach: refused up front, with a sentence the agent can say."""
    address = value.strip().lower()
    if not _EMAIL.fullmatch(address):
        raise SpokenValueError(
            "That email address doesn't sound complete. Could you spell it for me again?"
        )
    return address


PHONE_HELP = (
    "As the caller said it, with the area code (e.g. '07700 900555' or '+44 7700 900555'); "
    "the server stores it in E.164 (+447700900555)."
)

FreeText = Annotated[str, BeforeValidator(clean_text)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
