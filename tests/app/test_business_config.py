"""The business config: good files load; bad ones, misspelt keys and contradictions fail
naming the key."""

from __future__ import annotations

import tomllib
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent_tools.business import OpenRange
from agent_tools.errors import ConfigError
from app.business_config import business_from_mapping, load_business
from app.config_schema import SCHEMA, zone_warning

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


@pytest.mark.parametrize(
    ("typo", "message"),
    [
        ("[booking]", "[booking]\nmin_notice = 120"),
        ("[[closures]]", "[[closure]]"),
        ("[[services]]\nname", "[[staf]]\nname = 'Ada'\n[[services]]\nname"),
        ("[[services]]\nname", "[[services]]\nprise = '$5'\nname"),
        ("[business]", "[business]\ntimezone_name = 'x'"),
    ],
)
def test_a_misspelt_table_or_key_stops_loading_naming_it(typo: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(GOOD.replace(typo, message, 1))
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith("unknown")


def test_the_message_names_the_nearest_known_key() -> None:
    with pytest.raises(ConfigError) as raised:
        load(GOOD.replace("[booking]", "[booking]\nmin_notice = 120"))
    assert str(raised.value) == (
        "unknown key `booking.min_notice` (did you mean `min_notice_minutes`?)"
    )
    with pytest.raises(ConfigError, match=r"unknown table `closure` \(did you mean `closures`"):
        load(GOOD.replace("[[closures]]", "[[closure]]"))
    with pytest.raises(ConfigError, match=r"unknown key `services\[0\]\.prise`.*`price`"):
        load(GOOD.replace("[[services]]\n", "[[services]]\nprise = '$5'\n"))


def test_a_date_that_is_both_a_closure_and_special_hours_is_refused() -> None:
    clash = GOOD.replace('date = "2026-12-25"', 'date = "2026-12-24"')
    with pytest.raises(
        ConfigError, match=r"special_hours\[0\]\.date: 2026-12-24 is also a closure"
    ):
        load(clash)


def test_a_date_listed_twice_is_refused() -> None:
    twice = GOOD + '[[special_hours]]\ndate = 2026-12-24\nhours = ["10:00-11:00"]\n'
    with pytest.raises(ConfigError, match=r"special_hours\[1\]\.date: .* already has"):
        load(twice)
    with pytest.raises(ConfigError, match=r"closures\[1\]\.date: .* twice"):
        load(GOOD + '[[closures]]\ndate = "2026-12-25"\n')


@pytest.mark.parametrize(
    ("zone", "likely"),
    [("GMT", "Europe/London"), ("EST", "America/New_York"), ("Etc/UTC", "Europe/London")],
)
def test_a_zone_without_daylight_saving_gets_a_warning_naming_the_likely_zone(
    zone: str, likely: str
) -> None:
    warning = zone_warning(ZoneInfo(zone), 2027)
    assert warning is not None
    assert zone in warning
    assert likely in warning


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "CET", "EST5EDT"])
def test_a_city_zone_or_one_that_follows_the_seasons_gets_no_warning(zone: str) -> None:
    assert zone_warning(ZoneInfo(zone), 2027) is None


def test_contact_details_faqs_and_service_extras_load() -> None:
    business = load(
        GOOD.replace(
            'timezone = "America/New_York"',
            'timezone = "America/New_York"\ncountry = "us"\naddress = "1 Main St"\n'
            'phone = "(415) 555-0123"\nwebsite = "https://example.com"',
        ).replace(
            "buffer_after_minutes = 10",
            'buffer_after_minutes = 10\nprice = "$120"\ndescription = "A thorough clean."\n'
            'aliases = ["hygiene visit"]',
        )
        + '[[faq]]\nquestion = "Is there parking?"\nanswer = "Yes, behind the building."\n'
    )
    assert business.country == "US"
    assert business.contact.phone == "+14155550123"
    assert business.contact.address == "1 Main St"
    assert business.services[0].price == "$120"
    assert business.service("Hygiene visits") is business.services[0]
    assert business.faqs[0].answer == "Yes, behind the building."


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            ('timezone = "America/New_York"', 'timezone = "America/New_York"\ncountry = "XX"'),
            "business.country",
        ),
        (
            ('timezone = "America/New_York"', 'timezone = "America/New_York"\nphone = "555"'),
            "business.phone",
        ),
        (
            (
                "[[closures]]",
                '[[services]]\nname = "Deep cleanings"\nduration_minutes = 30\n[[closures]]',
            ),
            "services[1]",
        ),
        (("buffer_after_minutes = 10", "aliases = 'deep'"), "services[0].aliases"),
    ],
)
def test_bad_contact_details_and_aliases_fail_naming_the_key(
    change: tuple[str, str], key: str
) -> None:
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace(".", r"\.")):
        load(GOOD.replace(*change))


def _keys(data: Any) -> set[str]:
    found = set()
    for table, value in data.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            found |= {f"{table}.{key}" for key in item}
    return found


def test_the_demo_config_loads_and_shows_every_key() -> None:
    demo = Path(__file__).parents[2] / "config" / "demo-business.toml"
    load_business(demo)
    known = {
        f"{table}.{key}"
        for table, keys in SCHEMA.items()
        # day_parts: one shown, a comment lists the rest; webhooks: shown commented out, so
        # `make run` sends nothing anywhere
        if table not in ("day_parts", "webhooks")
        for key in (keys[0] if isinstance(keys, list) else keys)
    }
    text = demo.read_text(encoding="utf-8")
    shown = _keys(tomllib.loads(text))
    assert {k for k in shown if not k.startswith("day_parts.")} == known
    assert all(f"# {key} = " in text for key in SCHEMA["webhooks"])


def test_booking_limits_default_and_are_checked() -> None:
    rules = load(GOOD).rules
    assert (rules.max_per_call, rules.max_per_phone_per_day) == (2, 3)
    custom = load(GOOD.replace("[booking]\n", "[booking]\nmax_per_call = 1\n")).rules
    assert custom.max_per_call == 1
    with pytest.raises(ConfigError, match=r"booking\.max_per_phone_per_day"):
        load(GOOD.replace("[booking]\n", "[booking]\nmax_per_phone_per_day = 0\n"))
