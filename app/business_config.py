"""The business's TOML file, read into an :class:`agent_tools.business.Business`.

Strict: unknown tables and keys are refused (app/config_schema.py), and so is anything that
contradicts itself (a date that is both a closure and special hours). Every message names the
key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent_tools.business import (
    WEEKDAYS,
    BookingRules,
    Business,
    Contact,
    Faq,
    OpenRange,
    Service,
    loose,
    slugify,
)
from agent_tools.errors import ConfigError
from agent_tools.phones import COUNTRIES, InvalidPhone, normalise
from agent_tools.phrases import Conventions
from app import config_fields as read
from app.config_schema import check_known_keys
from app.handoff_config import read_handoff, read_notify, read_webhook
from app.settings import Settings
from app.staff_config import read_rooms, read_staff


def configured_path(env: Mapping[str, str] = os.environ) -> Path:
    """BUSINESS_CONFIG as the server reads it (default: the demo), without the other settings."""
    raw = env.get("BUSINESS_CONFIG")
    return Path(raw).expanduser().resolve() if raw else Settings().business_config


def read_toml(path: Path) -> dict[str, Any]:
    """A business file's TOML; a missing or unparsable file is a ConfigError naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: business config not found (set BUSINESS_CONFIG)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_business(path: Path) -> Business:
    data = read_toml(path)
    try:
        return business_from_mapping(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def business_from_mapping(data: Mapping[str, Any]) -> Business:
    check_known_keys(data)
    section = read.table(data, "business")
    name = read.string(section, "name", "business.name")
    business_id = section.get("id", slugify(name))
    if not isinstance(business_id, str) or not re.fullmatch(
        r"[a-z0-9][a-z0-9-]{0,62}", business_id
    ):
        raise ConfigError("business.id: use 1-63 lowercase letters, digits and dashes")
    country = _country(section)
    closures = _closures(read.tables(data, "closures"))
    services = _services(data.get("services"))
    return Business(
        id=business_id,
        name=name,
        timezone=_zone(section),
        weekly_hours=_weekly(read.table(data, "hours")),
        services=services,
        staff=read_staff(read.tables(data, "staff"), services),
        rooms=read_rooms(read.tables(data, "rooms"), services),
        webhook=read_webhook(read.table(data, "webhooks", required=False)),
        handoff=read_handoff(read.table(data, "handoff", required=False), country),
        notify=read_notify(read.table(data, "notify", required=False), country),
        rules=_rules(read.table(data, "booking", required=False)),
        closures=closures,
        special_hours=_special_hours(read.tables(data, "special_hours"), closures),
        calendar_id=read.string(
            read.table(data, "calendar", required=False), "id", "calendar.id", default="primary"
        ),
        conventions=_conventions(
            read.table(data, "conventions", required=False),
            read.table(data, "day_parts", required=False),
        ),
        country=country,
        contact=_contact(section, country),
        faqs=tuple(
            Faq(
                question=read.string(item, "question", f"faq[{i}].question"),
                answer=read.string(item, "answer", f"faq[{i}].answer"),
            )
            for i, item in enumerate(read.tables(data, "faq"))
        ),
    )


def _zone(section: Mapping[str, Any]) -> ZoneInfo:
    name = read.string(section, "timezone", "business.timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"business.timezone: unknown IANA time zone {name!r}") from exc


def _country(section: Mapping[str, Any]) -> str | None:
    country = read.optional_string(section, "country", "business.country")
    if country is not None and country.upper() not in COUNTRIES:
        raise ConfigError(f'business.country: {country!r} is not an ISO 3166 code like "US"')
    return country.upper() if country else None


def _contact(section: Mapping[str, Any], country: str | None) -> Contact:
    phone = read.optional_string(section, "phone", "business.phone")
    if phone is not None:
        try:
            phone = normalise(phone, country).e164
        except InvalidPhone:
            raise ConfigError(
                f"business.phone: {phone!r} is not a whole phone number "
                "(start it with + and the country code, or set business.country)"
            ) from None
    return Contact(
        address=read.optional_string(section, "address", "business.address"),
        phone=phone,
        website=read.optional_string(section, "website", "business.website"),
    )


def _weekly(hours: Mapping[str, Any]) -> dict[int, tuple[OpenRange, ...]]:
    return {
        index: read.ranges(hours[day], f"hours.{day}")
        for index, day in enumerate(WEEKDAYS)
        if day in hours
    }


def _rules(data: Mapping[str, Any]) -> BookingRules:
    max_per_day = None
    if data.get("max_appointments_per_day") is not None:
        max_per_day = read.integer(
            data, "max_appointments_per_day", "booking", default=1, low=1, high=1000
        )
    return BookingRules(
        slot_interval=read.minutes(
            data, "slot_interval_minutes", "booking", default=15, low=5, high=240
        ),
        min_notice=read.minutes(
            data, "min_notice_minutes", "booking", default=60, low=0, high=60 * 24 * 30
        ),
        max_days_ahead=read.integer(data, "max_days_ahead", "booking", default=60, low=1, high=366),
        max_per_day=max_per_day,
        max_per_call=read.integer(data, "max_per_call", "booking", default=2, low=1, high=100),
        max_per_phone_per_day=read.integer(
            data, "max_per_phone_per_day", "booking", default=3, low=1, high=100
        ),
    )


def _services(value: Any) -> tuple[Service, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("services: define at least one [[services]] with name and duration")
    services: list[Service] = []
    spoken: dict[str, str] = {}  # every name and alias, loosely, to the service it names
    for i, item in enumerate(value):
        path = f"services[{i}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{path}: must be a table")
        name = read.string(item, "name", f"{path}.name")
        aliases = read.strings(item, "aliases", f"{path}.aliases")
        for said in (name, *aliases):
            if not loose(said) or spoken.setdefault(loose(said), name) != name:
                raise ConfigError(
                    f"{path}: {said!r} is empty or also names {spoken[loose(said)]!r}"
                )
        if any(s.key == slugify(name) for s in services):
            raise ConfigError(f"{path}.name: {name!r} reads the same as another service")
        services.append(
            Service(
                name=name,
                key=slugify(name),
                duration=read.minutes(
                    item, "duration_minutes", path, default=0, low=5, high=24 * 60
                ),
                buffer_before=read.minutes(
                    item, "buffer_before_minutes", path, default=0, low=0, high=240
                ),
                buffer_after=read.minutes(
                    item, "buffer_after_minutes", path, default=0, low=0, high=240
                ),
                price=read.optional_string(item, "price", f"{path}.price"),
                description=read.optional_string(item, "description", f"{path}.description"),
                aliases=aliases,
            )
        )
    return tuple(services)


def _closures(items: Sequence[Mapping[str, Any]]) -> frozenset[date]:
    days: set[date] = set()
    for i, item in enumerate(items):
        day = read.a_date(item, f"closures[{i}]")
        if day in days:
            raise ConfigError(f"closures[{i}].date: {day} is listed twice")
        days.add(day)
    return frozenset(days)


def _special_hours(
    items: Sequence[Mapping[str, Any]], closures: frozenset[date]
) -> dict[date, tuple[OpenRange, ...]]:
    special: dict[date, tuple[OpenRange, ...]] = {}
    for i, item in enumerate(items):
        path = f"special_hours[{i}]"
        day = read.a_date(item, path)
        if day in closures:
            raise ConfigError(
                f"{path}.date: {day} is also a closure; keep either the closure or the hours"
            )
        if day in special:
            raise ConfigError(f"{path}.date: {day} already has special hours")
        special[day] = read.ranges(item.get("hours"), f"{path}.hours")
    return special


def _conventions(data: Mapping[str, Any], day_parts: Mapping[str, Any]) -> Conventions:
    defaults = Conventions()
    date_order = data.get("date_order", defaults.date_order)
    if date_order not in ("mdy", "dmy"):
        raise ConfigError('conventions.date_order: use "mdy" (3/20 is March 20) or "dmy"')
    next_weekday = data.get("next_weekday", defaults.next_weekday)
    if next_weekday not in ("following_week", "upcoming"):
        raise ConfigError('conventions.next_weekday: use "following_week" or "upcoming"')
    parts = dict(defaults.day_parts)
    for name, value in day_parts.items():
        (span,) = read.ranges([value], f"day_parts.{name}")
        parts[name] = (span.start, span.end)
    return Conventions(date_order=date_order, next_weekday=next_weekday, day_parts=parts)
