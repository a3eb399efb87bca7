"""The business config: good files load, bad ones fail naming the key."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from agent_tools.business import Business, OpenRange, business_from_mapping
from agent_tools.errors import ConfigError

GOOD = """
[business]
name = "Bright Smile Dental"
timezone = "America/New_York"
[hours]
mon = ["13:00-17:00", "09:00-12:00"]
tue = ["09:00-12:00", "12:00-17:00"]
[booking]
slot_interval_minutes = 15
[[services]]
name = "Deep Cleaning"
duration_minutes = 60
buffer_after_minutes = 10
[[closures]]
date = "2026-12-25"
[[special_hours]]
date = 2026-12-24
hours = ["09:00-12:00"]
"""


def load(text: str) -> Any:
    return business_from_mapping(tomllib.loads(text))


def test_a_good_config_loads_with_sorted_and_joined_hours() -> None:
    business = load(GOOD)
    assert business.id == "bright-smile-dental"
    assert business.weekly_hours[0] == (OpenRange(time(9), time(12)), OpenRange(time(13), time(17)))
    assert business.weekly_hours[1] == (OpenRange(time(9), time(17)),)
    assert business.hours_on(date(2026, 12, 25)) == ()  # a Friday, and closed anyway
    assert business.hours_on(date(2026, 12, 24)) == (OpenRange(time(9), time(12)),)
    assert business.services[0].buffer_after == timedelta(minutes=10)
    assert business.service("deep cleaning") is business.services[0]
    assert business.service(None) is business.services[0]
    assert business.service("massage") is None


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('timezone = "America/New_York"', 'timezone = "Mars/Olympus"'), "business.timezone"),
        (('mon = ["13:00-17:00", "09:00-12:00"]', 'mon = ["9-5"]'), "hours.mon[0]"),
        (
            ('mon = ["13:00-17:00", "09:00-12:00"]', 'mon = ["09:00-12:00", "11:00-13:00"]'),
            "hours.mon[1]",
        ),
        (('mon = ["13:00-17:00", "09:00-12:00"]', 'mon = ["17:00-09:00"]'), "hours.mon[0]"),
        (('mon = ["13:00-17:00", "09:00-12:00"]', 'monday = ["09:00-17:00"]'), "hours.monday"),
        (
            ("slot_interval_minutes = 15", "slot_interval_minutes = 0"),
            "booking.slot_interval_minutes",
        ),
        (("duration_minutes = 60", 'duration_minutes = "an hour"'), "services[0].duration_minutes"),
        (('date = "2026-12-25"', 'date = "Christmas"'), "closures[0].date"),
        (('name = "Bright Smile Dental"', "name = 3"), "business.name"),
    ],
)
def test_a_bad_config_fails_naming_the_key(change: tuple[str, str], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace(".", r"\.")):
        load(GOOD.replace(*change))


def test_a_config_without_services_fails() -> None:
    text = GOOD[: GOOD.index("[[services]]")]
    with pytest.raises(ConfigError, match="services"):
        load(text)


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


def test_booking_limits_default_and_are_checked() -> None:
    rules = load(GOOD).rules
    assert (rules.max_per_call, rules.max_per_phone_per_day) == (2, 3)
    custom = load(GOOD.replace("[booking]\n", "[booking]\nmax_per_call = 1\n")).rules
    assert custom.max_per_call == 1
    with pytest.raises(ConfigError, match=r"booking\.max_per_phone_per_day"):
        load(GOOD.replace("[booking]\n", "[booking]\nmax_per_phone_per_day = 0\n"))
