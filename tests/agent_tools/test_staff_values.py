"""Staff members and rooms as values: who a caller means, their hours, what they do."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from agent_tools.basics import OpenRange
from agent_tools.business import Business, Service
from agent_tools.caller_context import dynamic_variables
from agent_tools.staff import Room, StaffMember, says_anyone
from tests.conftest import NOW

MAYA = StaffMember("maya", "Dr. Maya Patel", "maya@x", aliases=("Maya", "Dr. Patel"))
CLEANING = Service("Cleaning", "cleaning", timedelta(minutes=60))


@pytest.mark.parametrize(
    "words",
    ["Dr. Maya Patel", "dr patel", "Doctor Patel", "maya", "MAYA", "Patel", "Dr Maya Patel"],
)
def test_a_person_answers_to_their_name_aliases_and_titles(words: str) -> None:
    assert MAYA.is_called(words)


@pytest.mark.parametrize("words", ["Sam", "Dr. Smith", "Maya Angelou", "", "dr"])
def test_a_person_does_not_answer_to_someone_elses_name(words: str) -> None:
    assert not MAYA.is_called(words)


@pytest.mark.parametrize(
    "words", [None, "", "anyone", "Anybody", "whoever is free", "no preference", "don't mind"]
)
def test_no_preference_is_read_as_anyone(words: str | None) -> None:
    assert says_anyone(words)


def test_a_name_is_not_read_as_anyone() -> None:
    assert not says_anyone("Maya")


def test_a_person_does_every_service_unless_told() -> None:
    assert MAYA.does(CLEANING)
    assert not StaffMember("sam", "Sam", "s@x", services=frozenset({"checkup"})).does(CLEANING)


def test_own_hours_keep_to_the_business_special_hours_and_closures(business: Business) -> None:
    sam = StaffMember("sam", "Sam", "s@x", weekly_hours={2: (OpenRange(time(8), time(12)),)})
    wednesday, christmas_eve = date(2027, 3, 10), date(2027, 3, 17)
    special = {christmas_eve: (OpenRange(time(10), time(11)),)}
    shop = Business(
        id="x",
        name="X",
        timezone=business.timezone,
        weekly_hours=business.weekly_hours,
        services=(CLEANING,),
        staff=(sam,),
        closures=frozenset({date(2027, 3, 24)}),
        special_hours=special,
    )
    assert shop.staff_hours_on(sam, wednesday) == (OpenRange(time(8), time(12)),)
    assert shop.staff_hours_on(sam, christmas_eve) == (OpenRange(time(10), time(11)),)
    assert shop.staff_hours_on(sam, date(2027, 3, 24)) == ()
    assert shop.staff_hours_on(sam, date(2027, 3, 11)) == ()  # Thursday: not one of his days


def test_a_room_has_one_key_per_unit() -> None:
    chairs = Room("chair", "Chair", 3, frozenset({"cleaning"}))
    assert chairs.units == ("chair#1", "chair#2", "chair#3")
    assert chairs.needed_for(CLEANING)


def test_without_staff_the_business_calendar_is_the_one_member(business: Business) -> None:
    (only,) = business.team
    assert only.implicit and only.calendar_id == business.calendar_id
    assert not business.has_several_staff


def test_the_call_starts_knowing_who_does_each_service(clinic: Business) -> None:
    variables = dynamic_variables(clinic, NOW, None, None)
    assert variables["staff"] == (
        "Cleaning: Sam Okafor or Lena Ruiz. Checkup: Dr. Maya Patel, Sam Okafor, or Lena Ruiz. "
        "Whitening: Dr. Maya Patel, Sam Okafor, or Lena Ruiz."
    )


def test_a_business_without_staff_says_callers_cannot_choose(business: Business) -> None:
    assert "can't choose" in dynamic_variables(business, NOW, None, None)["staff"]
