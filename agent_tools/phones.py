"""Phone numbers as one value: E.164 (``+447700900555``), however they were said or typed.

A number said the local way ("07700 900555", "(415) 555-0123") is read in the business's
country; with a ``+`` it needs none. Digits in any script (full-width, Arabic-Indic) count like
ASCII ones. Parsing and the possible lengths per country come from ``phonenumbers`` (Google's
libphonenumber metadata). Pure: no I/O, no settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, ValidationResult

from agent_tools.errors import SpokenValueError

COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)  # ISO 3166 alpha-2: "US", "GB", ...


class InvalidPhone(SpokenValueError):
    """Not a number anyone could dial; the message is said to the caller."""


@dataclass(frozen=True, slots=True, order=True)
class PhoneNumber:
    """A dialable number in E.164: ``+`` then the country code and the national number."""

    e164: str

    def __str__(self) -> str:
        return self.e164


def normalise(text: str, country: str | None) -> PhoneNumber:
    """``text`` as E.164; :class:`InvalidPhone` when it cannot be a whole phone number.

    ``country`` (ISO 3166 alpha-2) reads numbers without a ``+``; without it they are refused.
    """
    if country is None and not _international(text):
        raise InvalidPhone(
            "Could you give me that number with its country code, starting with plus?"
        )
    try:
        parsed = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(_NOT_A_NUMBER) from None
    if phonenumbers.is_possible_number_with_reason(parsed) != ValidationResult.IS_POSSIBLE:
        raise InvalidPhone(_NOT_A_NUMBER)
    return PhoneNumber(phonenumbers.format_number(parsed, PhoneNumberFormat.E164))


@lru_cache(maxsize=4096)
def normalise_or_none(text: str | None, country: str | None) -> PhoneNumber | None:
    """For caller ID, which may be absent or a word ("anonymous"): None when not a number.
    Kept for the numbers seen lately: every tool call of a call reads the same caller ID."""
    if not text or not text.strip():
        return None
    try:
        return normalise(text, country)
    except InvalidPhone:
        return None


def spoken(number: PhoneNumber, country: str | None) -> str:
    """How the business says a number: nationally at home ("(415) 555-0123"), else in full."""
    parsed = phonenumbers.parse(number.e164, None)
    home = country is not None and phonenumbers.region_code_for_number(parsed) == country
    style = PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def _international(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith(("+", "\uff0b"))  # "+" or the full-width plus


_NOT_A_NUMBER = (
    "Sorry, that number doesn't sound complete. Could you say it again, with the area code?"
)
