"""The ``[[staff]]`` and ``[[rooms]]`` of a business config, read into agent_tools.staff values.

Strict like the rest of the config: every message names the key (``staff[1].services: unknown
service "Botox"``), two people can't share a calendar or a name, and every service must be done
by somebody.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from agent_tools.business import WEEKDAYS, OpenRange, Service, loose, slugify
from agent_tools.errors import ConfigError
from agent_tools.staff import Room, StaffMember
from app import config_fields as read

STAFF_KEYS = frozenset(
    {"name", "id", "aliases", "calendar", "services", "hours", "max_appointments_per_day"}
)
ROOM_KEYS = frozenset({"name", "count", "services"})
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def read_staff(
    items: Sequence[Mapping[str, Any]], services: tuple[Service, ...]
) -> tuple[StaffMember, ...]:
    staff: list[StaffMember] = []
    said: dict[str, tuple[int, str]] = {}  # every name and alias, loosely, to whom it names
    for i, item in enumerate(items):
        path = f"staff[{i}]"
        name = read.string(item, "name", f"{path}.name")
        staff_id = item.get("id", slugify(name))
        if not isinstance(staff_id, str) or not _ID.fullmatch(staff_id):
            raise ConfigError(f"{path}.id: use 1-63 lowercase letters, digits and dashes")
        aliases = read.strings(item, "aliases", f"{path}.aliases")
        for words in (name, *aliases):
            first, whom = said.setdefault(loose(words), (i, name))
            if first != i:
                raise ConfigError(f"{path}: {words!r} also names {whom!r}")
        member = StaffMember(
            id=staff_id,
            name=name,
            calendar_id=read.string(item, "calendar", f"{path}.calendar"),
            aliases=aliases,
            services=_services(item, f"{path}.services", services),
            weekly_hours=_hours(item.get("hours"), f"{path}.hours"),
            max_per_day=_cap(item, path),
        )
        for other in staff:
            if other.id == member.id:
                raise ConfigError(f"{path}.id: {staff_id!r} is also {other.name}'s id")
            if other.calendar_id == member.calendar_id:
                raise ConfigError(
                    f"{path}.calendar: {member.calendar_id!r} is also {other.name}'s calendar"
                )
        staff.append(member)
    if staff:
        for i, service in enumerate(services):
            if not any(m.does(service) for m in staff):
                raise ConfigError(f"services[{i}]: nobody in [[staff]] does {service.name!r}")
    return tuple(staff)


def read_rooms(
    items: Sequence[Mapping[str, Any]], services: tuple[Service, ...]
) -> tuple[Room, ...]:
    rooms: list[Room] = []
    for i, item in enumerate(items):
        path = f"rooms[{i}]"
        name = read.string(item, "name", f"{path}.name")
        needed_by = _services(item, f"{path}.services", services) or frozenset()
        for other in rooms:
            if other.key == slugify(name):
                raise ConfigError(f"{path}.name: {name!r} reads the same as another room")
            shared = other.services & needed_by
            if shared:
                raise ConfigError(
                    f"{path}.services: {sorted(shared)[0]!r} already needs {other.name!r}"
                )
        rooms.append(
            Room(
                key=slugify(name),
                name=name,
                count=read.integer(item, "count", path, default=1, low=1, high=100),
                services=needed_by,
            )
        )
    return tuple(rooms)


def _services(
    item: Mapping[str, Any], path: str, services: tuple[Service, ...]
) -> frozenset[str] | None:
    if "services" not in item:
        return None
    keys = set()
    for words in read.strings(item, "services", path):
        service = next((s for s in services if s.is_called(words)), None)
        if service is None:
            raise ConfigError(f"{path}: unknown service {words!r}")
        keys.add(service.key)
    return frozenset(keys)


def _hours(value: Any, path: str) -> dict[int, tuple[OpenRange, ...]] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError(f'{path}: must be a table like {{ mon = ["09:00-17:00"] }}')
    for day in value:
        if day not in WEEKDAYS:
            raise ConfigError(f"{path}.{day}: not a weekday (use {', '.join(WEEKDAYS)})")
    return {
        index: read.ranges(value[day], f"{path}.{day}")
        for index, day in enumerate(WEEKDAYS)
        if day in value
    }


def _cap(item: Mapping[str, Any], path: str) -> int | None:
    if item.get("max_appointments_per_day") is None:
        return None
    return read.integer(item, "max_appointments_per_day", path, default=1, low=1, high=1000)
