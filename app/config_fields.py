"""Reading one value of a business config: a string, a bounded number, opening hours, a date.
Every error names the key's path (``hours.mon[1]``) so a bad file is fixable from the message."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta
from typing import Any

from agent_tools.business import END_OF_DAY, OpenRange
from agent_tools.errors import ConfigError

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def table(data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
    value = data.get(key, None if required else {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: missing or not a table")
    return value


def tables(data: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ConfigError(f"{key}: must be a list of tables ([[{key}]])")
    return value


def string(data: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: missing or not a non-empty string")
    return value.strip()


def optional_string(data: Mapping[str, Any], key: str, path: str) -> str | None:
    if data.get(key) is None:
        return None
    return string(data, key, path)


def strings(data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f'{path}: must be a list of names like ["mens cut"]')
    return tuple(v.strip() for v in value)


def integer(
    data: Mapping[str, Any], key: str, prefix: str, *, default: int, low: int, high: int
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{prefix}.{key}: must be a whole number from {low} to {high}")
    return value


def minutes(
    data: Mapping[str, Any], key: str, prefix: str, *, default: int, low: int, high: int
) -> timedelta:
    return timedelta(minutes=integer(data, key, prefix, default=default, low=low, high=high))


def ranges(value: Any, path: str) -> tuple[OpenRange, ...]:
    """``["09:00-12:00", "13:00-17:00"]``, sorted, touching ranges joined, overlaps refused."""
    if not isinstance(value, list):
        raise ConfigError(f'{path}: must be a list like ["09:00-17:00"]')
    found = []
    for i, text in enumerate(value):
        match = _RANGE.match(text) if isinstance(text, str) else None
        if not match:
            raise ConfigError(f'{path}[{i}]: expected "HH:MM-HH:MM", got {text!r}')
        start = _clock(int(match[1]), int(match[2]), f"{path}[{i}]")
        end = _clock(int(match[3]), int(match[4]), f"{path}[{i}]")
        if end <= start:
            raise ConfigError(f"{path}[{i}]: the range must end after it starts")
        found.append(OpenRange(start, end))
    found.sort(key=lambda r: r.start)
    merged: list[OpenRange] = []
    for i, current in enumerate(found):
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


def a_date(item: Mapping[str, Any], path: str) -> date:
    if "date" not in item:
        raise ConfigError(f"{path}.date: missing")
    value = item["date"]
    if isinstance(value, date):  # TOML's bare dates arrive parsed
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{path}.date: expected YYYY-MM-DD, got {value!r}") from exc
