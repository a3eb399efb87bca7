"""Phone numbers, however they are said, become one E.164 value; impossible ones are refused
with a sentence the agent can say."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agent_tools.book_appointment import BookAppointmentArgs
from agent_tools.phones import InvalidPhone, PhoneNumber, normalise, normalise_or_none, spoken


@pytest.mark.parametrize(
    ("said", "country", "e164"),
    [
        ("07700 900555", "GB", "+447700900555"),
        ("+44 7700 900555", "US", "+447700900555"),
        ("0044 7700 900555", "GB", "+447700900555"),
        ("(415) 555-0123", "US", "+14155550123"),
        ("415.555.0123", "US", "+14155550123"),
        ("+1 415 555 0123", None, "+14155550123"),
        ("+1 (555) 123-0000", None, "+15551230000"),
        (
            "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff15\uff15\uff15",
            "GB",
            "+447700900555",
        ),
        (
            "\u0660\u0667\u0667\u0660\u0660\u0669\u0660\u0660\u0665\u0665\u0665",
            "GB",
            "+447700900555",
        ),
        ("\uff0b\uff11 415 555 0123", None, "+14155550123"),
    ],
)
def test_a_number_said_any_way_becomes_e164(said: str, country: str | None, e164: str) -> None:
    assert normalise(said, country) == PhoneNumber(e164)


@pytest.mark.parametrize(
    ("said", "country"),
    [
        ("555-0123", "US"),
        ("12", "US"),
        ("+1555", None),
        ("call me", "GB"),
        ("0770090055599999", "GB"),
    ],
)
def test_an_impossible_number_is_refused_with_a_spoken_reason(said: str, country: str) -> None:
    with pytest.raises(InvalidPhone, match="area code"):
        normalise(said, country)


def test_a_local_number_without_a_country_asks_for_the_country_code() -> None:
    with pytest.raises(InvalidPhone, match="country code"):
        normalise("07700 900555", None)


@pytest.mark.parametrize("caller_id", [None, "", "anonymous", "+1555"])
def test_a_caller_id_that_is_no_number_is_none(caller_id: str | None) -> None:
    assert normalise_or_none(caller_id, "US") is None


def test_a_number_is_said_nationally_at_home_and_in_full_abroad() -> None:
    number = PhoneNumber("+14155550123")
    assert spoken(number, "US") == "(415) 555-0123"
    assert spoken(number, "GB") == "+1 415-555-0123"


def test_the_argument_models_read_phones_in_the_business_country() -> None:
    args = BookAppointmentArgs.model_validate(
        {"start": "tomorrow at 9", "name": "Ada", "phone": "07700 900555"},
        context={"country": "GB"},
    )
    assert args.phone == "+447700900555"
    with pytest.raises(ValidationError, match="country code"):
        BookAppointmentArgs.model_validate({"start": "x", "name": "Ada", "phone": "07700 900555"})
    schema = BookAppointmentArgs.model_json_schema()["properties"]["phone"]
    assert "E.164" in str(schema)
