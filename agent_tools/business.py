"""A business's booking rules as plain, immutable values, built from a config mapping.

``business_from_mapping`` is pure: reading TOML from disk is the edge's job. Every error names
the offending key (``hours.mon[1]``) so a bad config fails at start-up with a fixable message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent_tools.errors import ConfigError
from agent_tools.phrases import END, Conventions

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
END_OF_DAY = END  # "24:00" in config: open until midnight


@dataclass(frozen=True, slots=True)
class OpenRange:
    """Wall-clock opening hours within one local day; ``end`` is exclusive."""

    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    key: str
    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)

    def blocked(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        """The span an appointment from ``start`` to ``end`` keeps busy, buffers included."""
        return start - self.buffer_before, end + self.buffer_after


@dataclass(frozen=True, slots=True)
class BookingRules:
    slot_interval: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(minutes=60)
    max_days_ahead: int = 60
    max_per_day: int | None = None
    max_per_call: int = 2  # active bookings one call may make
    max_per_phone_per_day: int = 3  # active bookings under one contact number on one day


@dataclass(frozen=True, slots=True)
class Business:
    id: str
    name: str
    timezone: ZoneInfo
    weekly_hours: Mapping[int, tuple[OpenRange, ...]]
    services: tuple[Service, ...]
    rules: BookingRules = field(default_factory=BookingRules)
    closures: frozenset[date] = frozenset()
    special_hours: Mapping[date, tuple[OpenRange, ...]] = field(default_factory=dict)
    calendar_id: str = "primary"
    # Every calendar whose events make the business busy (bookings go to ``calendar_id``).
    extra_busy_calendars: tuple[str, ...] = ()
    conventions: Conventions = field(default_factory=Conventions)

    @property
    def busy_calendar_ids(self) -> list[str]:
        return [self.calendar_id, *self.extra_busy_calendars]

    def opening_span(self, day: date) -> tuple[time, time] | None:
        """From the first opening to the last closing of ``day``; for a closed day, the
        widest span of a usual week (so "at 3" still reads as 3 PM on a Sunday)."""
        ranges = self.hours_on(day) or tuple(r for rs in self.weekly_hours.values() for r in rs)
        if not ranges:
            return None
        return min(r.start for r in ranges), max(r.end for r in ranges)

    def hours_on(self, day: date) -> tuple[OpenRange, ...]:
        """Opening ranges for a local date: closures win, then special hours, then the week."""
        if day in self.closures:
            return ()
        special = self.special_hours.get(day)
        if special is not None:
            return special
        return self.weekly_hours.get(day.weekday(), ())

    def booked_service(self, name: str, length: timedelta) -> Service:
        """The service an appointment was booked for; one no longer in the config keeps the
        appointment's own length, without buffers."""
        return self.service(name) or Service(name, "", length)

    def today(self, now: datetime) -> date:
        """The business's date at the instant ``now``."""
        return now.astimezone(self.timezone).date()

    def service(self, name: str | None) -> Service | None:
        """The service called ``name`` (case- and space-insensitive); the first one when None."""
        if name is None or not name.strip():
            return self.services[0]
        wanted = slugify(name)
        return next((s for s in self.services if s.key == wanted), None)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def business_from_mapping(data: Mapping[str, Any]) -> Business:
    section = _table(data, "business")
    name = _string(section, "name", "business.name")
    tz_name = _string(section, "timezone", "business.timezone")
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"business.timezone: unknown IANA time zone {tz_name!r}") from exc
    business_id = section.get("id", slugify(name))
    if not isinstance(business_id, str) or not re.fullmatch(
        r"[a-z0-9][a-z0-9-]{0,62}", business_id
    ):
        raise ConfigError("business.id: use 1-63 lowercase letters, digits and dashes")

    hours_table = _table(data, "hours")
    unknown = set(hours_table) - set(WEEKDAYS)
    if unknown:
        raise ConfigError(f"hours.{sorted(unknown)[0]}: not a weekday (use {', '.join(WEEKDAYS)})")
    weekly = {
        index: _ranges(hours_table[day], f"hours.{day}")
        for index, day in enumerate(WEEKDAYS)
        if day in hours_table
    }

    return Business(
        id=business_id,
        name=name,
        timezone=zone,
        weekly_hours=weekly,
        services=_services(data.get("services")),
        rules=_rules(data.get("booking", {})),
        closures=frozenset(
            _date(item, f"closures[{i}]") for i, item in enumerate(_list(data, "closures"))
        ),
        special_hours=_special_hours(_list(data, "special_hours")),
        calendar_id=_string(data.get("calendar", {}), "id", "calendar.id", default="primary"),
        conventions=_conventions(data.get("conventions", {}), data.get("day_parts", {})),
    )


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: missing or not a table")
    return value


def _list(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{key}: must be a list of tables ([[{key}]])")
    return value


def _string(data: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: missing or not a non-empty string")
    return value.strip()


def _int(
    data: Mapping[str, Any], key: str, prefix: str, *, default: int, low: int, high: int
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{prefix}.{key}: must be a whole number from {low} to {high}")
    return value


def _minutes(
    data: Mapping[str, Any], key: str, prefix: str, *, default: int, low: int, high: int
) -> timedelta:
    return timedelta(minutes=_int(data, key, prefix, default=default, low=low, high=high))


def _ranges(value: Any, path: str) -> tuple[OpenRange, ...]:
    if not isinstance(value, list):
        raise ConfigError(f'{path}: must be a list like ["09:00-17:00"]')
    ranges = []
    for i, text in enumerate(value):
        match = _RANGE.match(text) if isinstance(text, str) else None
        if not match:
            raise ConfigError(f'{path}[{i}]: expected "HH:MM-HH:MM", got {text!r}')
        start = _clock(int(match[1]), int(match[2]), f"{path}[{i}]")
        end = _clock(int(match[3]), int(match[4]), f"{path}[{i}]")
        if end <= start:
            raise ConfigError(f"{path}[{i}]: the range must end after it starts")
        ranges.append(OpenRange(start, end))
    ranges.sort(key=lambda r: r.start)
    merged: list[OpenRange] = []
    for i, current in enumerate(ranges):
        if merged and current.start < merged[-1].end:
            raise ConfigError(f"{path}[{i}]: overlaps the range before it")
        if merged and current.start == merged[-1].end:  # touching ranges are one opening
            merged[-1] = OpenRange(merged[-1].start, current.end)
        else:
            merged.append(current)
    return tuple(merged)


def _clock(hour: int, minute: int, path: str) -> time:
    if (hour, minute) == (24, 0):
        return END_OF_DAY
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ConfigError(f"{path}: {hour:02d}:{minute:02d} is not a time of day")
    return time(hour, minute)


def _rules(data: Any) -> BookingRules:
    if not isinstance(data, Mapping):
        raise ConfigError("booking: must be a table")
    max_per_day = None
    if data.get("max_appointments_per_day") is not None:
        max_per_day = _int(data, "max_appointments_per_day", "booking", default=1, low=1, high=1000)
    return BookingRules(
        slot_interval=_minutes(
            data, "slot_interval_minutes", "booking", default=15, low=5, high=240
        ),
        min_notice=_minutes(
            data, "min_notice_minutes", "booking", default=60, low=0, high=60 * 24 * 30
        ),
        max_days_ahead=_int(data, "max_days_ahead", "booking", default=60, low=1, high=366),
        max_per_day=max_per_day,
        max_per_call=_int(data, "max_per_call", "booking", default=2, low=1, high=100),
        max_per_phone_per_day=_int(
            data, "max_per_phone_per_day", "booking", default=3, low=1, high=100
        ),
    )


def _services(value: Any) -> tuple[Service, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("services: define at least one [[services]] with name and duration")
    services: list[Service] = []
    for i, item in enumerate(value):
        path = f"services[{i}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{path}: must be a table")
        name = _string(item, "name", f"{path}.name")
        key = slugify(name)
        if not key or any(s.key == key for s in services):
            raise ConfigError(f"{path}.name: {name!r} is empty or repeats another service")
        services.append(
            Service(
                name=name,
                key=key,
                duration=_minutes(item, "duration_minutes", path, default=0, low=5, high=24 * 60),
                buffer_before=_minutes(
                    item, "buffer_before_minutes", path, default=0, low=0, high=240
                ),
                buffer_after=_minutes(
                    item, "buffer_after_minutes", path, default=0, low=0, high=240
                ),
            )
        )
    return tuple(services)


def _date(item: Any, path: str) -> date:
    if not isinstance(item, Mapping) or "date" not in item:
        raise ConfigError(f"{path}.date: missing")
    value = item["date"]
    if isinstance(value, date):  # TOML's bare dates arrive parsed
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{path}.date: expected YYYY-MM-DD, got {value!r}") from exc


def _special_hours(items: Sequence[Any]) -> dict[date, tuple[OpenRange, ...]]:
    special: dict[date, tuple[OpenRange, ...]] = {}
    for i, item in enumerate(items):
        day = _date(item, f"special_hours[{i}]")
        special[day] = _ranges(item.get("hours"), f"special_hours[{i}].hours")
    return special


def _conventions(data: Any, day_parts: Any) -> Conventions:
    if not isinstance(data, Mapping) or not isinstance(day_parts, Mapping):
        raise ConfigError("conventions / day_parts: must be tables")
    defaults = Conventions()
    date_order = data.get("date_order", defaults.date_order)
    if date_order not in ("mdy", "dmy"):
        raise ConfigError('conventions.date_order: use "mdy" (3/20 is March 20) or "dmy"')
    next_weekday = data.get("next_weekday", defaults.next_weekday)
    if next_weekday not in ("following_week", "upcoming"):
        raise ConfigError('conventions.next_weekday: use "following_week" or "upcoming"')
    parts = dict(defaults.day_parts)
    for name, value in day_parts.items():
        if name not in parts:
            raise ConfigError(f"day_parts.{name}: unknown; known are {', '.join(sorted(parts))}")
        (span,) = _ranges([value], f"day_parts.{name}")
        parts[name] = (span.start, span.end)
    return Conventions(date_order=date_order, next_weekday=next_weekday, day_parts=parts)
