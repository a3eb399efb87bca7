"""The business's values: a service is found by the words a caller uses for it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from agent_tools.business import Business, Service, loose


def service(name: str, *aliases: str) -> Service:
    return Service(name, name.lower().replace(" ", "-"), timedelta(minutes=30), aliases=aliases)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Men's cut", "mens cut"),
        ("Men's cut", "MEN\u2019S CUTS"),
        ("Men's cut", "men's-cut"),
        ("Crème brûlée facial", "creme brulee facial"),
        ("Wash & blow-dry", "wash and blow dry"),
        ("Cleaning", "cleanings"),
    ],
)
def test_a_service_answers_to_its_name_said_loosely(name: str, said: str) -> None:
    assert service(name).is_called(said)


def test_a_service_answers_to_its_aliases_and_not_to_other_words() -> None:
    cut = service("Men's cut", "gents haircut", "barber")
    assert cut.is_called("Gents haircuts")
    assert cut.is_called("barber")
    assert not cut.is_called("women's cut")
    assert not cut.is_called("cut")


def test_loose_words_keep_double_s_and_short_words() -> None:
    assert loose("Glass bus") == "glass bus"
    assert loose("  Nails!! ") == "nail"


def test_a_service_blocks_its_span_with_buffers_and_a_retired_one_keeps_its_length(
    business: Business,
) -> None:
    start = datetime(2027, 3, 11, 9, 0, tzinfo=business.timezone)
    cleaning = business.booked_service("Cleaning", timedelta(minutes=5))
    assert cleaning.blocked(start, start + cleaning.duration) == (
        start,
        start + timedelta(minutes=70),
    )
    retired = business.booked_service("Whitening", timedelta(minutes=45))
    assert (retired.name, retired.duration) == ("Whitening", timedelta(minutes=45))
    assert retired.blocked(start, start + retired.duration) == (
        start,
        start + timedelta(minutes=45),
    )


def test_today_is_the_business_date_not_utcs(business: Business) -> None:
    late_evening_in_new_york = datetime(2027, 3, 11, 3, 30, tzinfo=UTC)
    assert business.today(late_evening_in_new_york) == date(2027, 3, 10)
