"""[[staff]] and [[rooms]] in the business config: read as values, refused naming the key."""

from __future__ import annotations

import tomllib
from datetime import time

import pytest

from agent_tools.business import OpenRange
from agent_tools.errors import ConfigError
from app.business_config import business_from_mapping

BASE = """
[business]
name = "Clinic"
timezone = "America/New_York"
[hours]
mon = ["09:00-17:00"]
[[services]]
name = "Cleaning"
duration_minutes = 60
[[services]]
name = "Whitening"
duration_minutes = 90
"""

MAYA = """
[[staff]]
name = "Dr. Maya Patel"
id = "maya"
aliases = ["Maya", "Dr. Patel"]
calendar = "maya@clinic.example"
services = ["Cleaning", "Whitening"]
hours = { mon = ["12:00-20:00"] }
max_appointments_per_day = 8
"""


def business(extra: str) -> object:
    return business_from_mapping(tomllib.loads(BASE + extra))


def test_staff_and_rooms_load_as_values() -> None:
    clinic = business_from_mapping(
        tomllib.loads(
            BASE
            + MAYA
            + """
[[staff]]
name = "Sam Okafor"
calendar = "sam@clinic.example"
[[rooms]]
name = "Whitening suite"
count = 2
services = ["whitening"]
"""
        )
    )
    maya, sam = clinic.staff
    assert (maya.id, maya.calendar_id, maya.max_per_day) == ("maya", "maya@clinic.example", 8)
    assert maya.weekly_hours == {0: (OpenRange(time(12), time(20)),)}
    assert maya.services == frozenset({"cleaning", "whitening"})
    assert (sam.id, sam.services, sam.weekly_hours) == ("sam-okafor", None, None)
    (suite,) = clinic.rooms
    assert suite.units == ("whitening-suite#1", "whitening-suite#2")
    assert clinic.booking_calendar_ids == ["maya@clinic.example", "sam@clinic.example"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            MAYA.replace('["Cleaning", "Whitening"]', '["Cleaning", "Botox"]'),
            "staff[0].services: unknown service 'Botox'",
        ),
        (MAYA.replace('calendar = "maya@clinic.example"\n', ""), "staff[0].calendar: missing"),
        (MAYA.replace('id = "maya"', 'id = "Maya P"'), "staff[0].id: use 1-63"),
        (MAYA.replace("mon = [", "monday = ["), "staff[0].hours.monday: not a weekday"),
        (MAYA.replace('"12:00-20:00"', '"20:00-12:00"'), "staff[0].hours.mon[0]"),
        (MAYA.replace("= 8", "= 0"), "staff[0].max_appointments_per_day"),
        (MAYA.replace("aliases", "alias"), "unknown key `staff[0].alias`"),
        (MAYA + MAYA.replace('id = "maya"', 'id = "maya2"'), "staff[1]: 'Dr. Maya Patel' also"),
        (
            MAYA + '[[staff]]\nname = "Sam"\ncalendar = "maya@clinic.example"\n',
            "staff[1].calendar: 'maya@clinic.example' is also Dr. Maya Patel's calendar",
        ),
        (
            MAYA.replace('["Cleaning", "Whitening"]', '["Cleaning"]'),
            "services[1]: nobody in [[staff]] does 'Whitening'",
        ),
        ('[[rooms]]\nname = "Suite"\nservices = ["Peel"]\n', "rooms[0].services: unknown service"),
        ('[[rooms]]\nname = "Suite"\ncount = 0\nservices = []\n', "rooms[0].count"),
        ('[[rooms]]\nname = "Suite"\nsize = 2\n', "unknown key `rooms[0].size`"),
        (
            '[[rooms]]\nname = "A"\nservices = ["Whitening"]\n'
            '[[rooms]]\nname = "B"\nservices = ["Whitening"]\n',
            "rooms[1].services: 'whitening' already needs 'A'",
        ),
    ],
)
def test_a_bad_staff_or_room_entry_is_refused_naming_the_key(extra: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        business(extra)
    assert message in str(refused.value)
