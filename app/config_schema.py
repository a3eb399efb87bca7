"""Which tables and keys a business config may have, and the checks that only warn.

Strict by design: a misspelt key would otherwise be silently ignored (``min_notice = 120``
leaves the default notice in force), so any unknown table or key stops start-up with one line
naming it and the nearest known one.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from agent_tools.business import WEEKDAYS
from agent_tools.errors import ConfigError
from agent_tools.phrases import Conventions
from app.staff_config import ROOM_KEYS, STAFF_KEYS

# Tables, and arrays of tables ([[name]], as a one-element list), with their known keys.
SCHEMA: Mapping[str, frozenset[str] | list[frozenset[str]]] = {
    "business": frozenset({"id", "name", "timezone", "country", "address", "phone", "website"}),
    "hours": frozenset(WEEKDAYS),
    "booking": frozenset(
        {
            "slot_interval_minutes",
            "min_notice_minutes",
            "max_days_ahead",
            "max_appointments_per_day",
            "max_per_call",
            "max_per_phone_per_day",
        }
    ),
    "services": [
        frozenset(
            {
                "name",
                "duration_minutes",
                "buffer_before_minutes",
                "buffer_after_minutes",
                "price",
                "description",
                "aliases",
            }
        )
    ],
    "closures": [frozenset({"date"})],
    "special_hours": [frozenset({"date", "hours"})],
    "faq": [frozenset({"question", "answer"})],
    "staff": [STAFF_KEYS],
    "rooms": [ROOM_KEYS],
    "calendar": frozenset({"id", "credentials_env"}),
    # Many businesses per deployment (app/tenants): how calls reach this one, who operates it.
    "retell": frozenset({"agent_ids", "phone_numbers"}),
    "operator": frozenset({"key_env"}),
    "webhooks": frozenset({"url", "secret_env"}),
    "handoff": frozenset({"transfer_number", "hours"}),
    "notify": frozenset(
        {
            "owner_phone",
            "owner_email",
            "owner_booking_texts",
            "sms_confirmations",
            "email_confirmations",
            "reminder_hours",
        }
    ),
    "conventions": frozenset({"date_order", "next_weekday"}),
    "day_parts": frozenset(Conventions().day_parts),
}


def check_known_keys(data: Mapping[str, Any]) -> None:
    """:class:`ConfigError` naming the first unknown table or key, with the nearest known."""
    for table, value in data.items():
        known = SCHEMA.get(table)
        if known is None:
            raise ConfigError(f"unknown table `{table}`{_nearest(table, SCHEMA)}")
        if isinstance(known, list):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    _check_table(item, f"{table}[{i}]", known[0])
        else:
            _check_table(value, table, known)


def _check_table(value: Any, path: str, known: frozenset[str]) -> None:
    if not isinstance(value, Mapping):
        return  # the builder says what shape it must have
    for key in value:
        if key not in known:
            raise ConfigError(f"unknown key `{path}.{key}`{_nearest(key, known)}")


def _nearest(word: str, known: Any) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.5)
    if close:
        return f" (did you mean `{close[0]}`?)"
    return f" (known: {', '.join(sorted(known))})"


# Zones named by an abbreviation keep one offset all year; the place the owner most likely means.
_LIKELY_ZONE = {
    "GMT": "Europe/London",
    "UTC": "Europe/London",
    "UCT": "Europe/London",
    "Etc/GMT": "Europe/London",
    "Etc/UTC": "Europe/London",
    "EST": "America/New_York",
    "MST": "America/Denver (or America/Phoenix, which keeps MST all year)",
    "HST": "Pacific/Honolulu",
}


def zone_warning(zone: ZoneInfo, year: int) -> str | None:
    """A warning when the zone is an abbreviation that never follows daylight saving time."""
    key = zone.key
    if "/" in key and not key.startswith("Etc/"):
        return None
    winter = datetime(year, 1, 15, 12, tzinfo=zone).utcoffset()
    summer = datetime(year, 7, 15, 12, tzinfo=zone).utcoffset()
    if winter != summer:
        return None  # e.g. "EST5EDT", "CET": they do change with the seasons
    likely = _LIKELY_ZONE.get(key, "the zone of a city, such as America/New_York")
    return (
        f"business.timezone: {key!r} never changes for daylight saving time; "
        f"if the business's clocks do, use {likely}"
    )
