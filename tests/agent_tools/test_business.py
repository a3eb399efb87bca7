"""The business's values: a service is found by the words a caller uses for it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent_tools.business import Service, loose


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
