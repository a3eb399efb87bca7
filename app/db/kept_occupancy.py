"""Our appointments' blocked spans kept by appointment, so a kept copy is brought up to date by
the few appointments changed since it was read instead of by reading them all again.

Every appointment carries the business's version its last change to what a search reads moved
to (migration 20261127000100). A copy read at version v plus the appointments stamped after v
is the business's occupancy now: versions commit in order, so a read that sees a change
stamped n sees every change below it. A delete leaves nothing to read; it records its version,
and a copy older than the last delete is read again in full.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent_tools.ports import Occupancy
from calendar_adapter.protocol import BusySpan

Lane = dict[str, BusySpan]  # appointment id -> its blocked span on one calendar or room unit


@dataclass(frozen=True, slots=True)
class KeptOccupancy:
    calendars: dict[str, Lane]
    rooms: dict[str, Lane]
    occupancy: Occupancy  # the same spans, each lane in order of start

    @classmethod
    def of_rows(
        cls,
        found: Sequence[Mapping[str, Any]],
        calendar_ids: Sequence[str],
        room_units: Sequence[str],
    ) -> KeptOccupancy:
        """From fd_blocked_each_by_id's rows, aggregated to one row per calendar and unit
        (kind, key, and the arrays ids, s, e in order of start)."""
        calendars: dict[str, Lane] = {c: {} for c in calendar_ids}
        rooms: dict[str, Lane] = {u: {} for u in room_units}
        listed: dict[str, dict[str, list[BusySpan]]] = {
            "calendar": {c: [] for c in calendar_ids},
            "room": {u: [] for u in room_units},
        }
        for row in found:
            spans = list(zip(row["s"], row["e"], strict=True))
            listed[row["kind"]][row["key"]] = spans
            lanes = calendars if row["kind"] == "calendar" else rooms
            lanes[row["key"]] = dict(zip(row["ids"], spans, strict=True))
        return cls(calendars, rooms, Occupancy(listed["calendar"], listed["room"]))

    def changed(self, changes: Mapping[str, Any], since: int) -> tuple[KeptOccupancy, int] | None:
        """This copy (kept at version ``since``) with fd_blocked_changes' answer applied, and
        the version it now stands at; None when a delete since then means reading it all. The
        copy is left as it was; only the lanes a change touches are copied (the rest are
        shared), each kept in order by bisection rather than sorted again."""
        if int(changes["deleted_in"]) > since:
            return None
        changed: list[list[Any]] = changes["changed"]
        if not changed:
            return self, since
        edit = _Edit(self)
        gone = {entry[0] for entry in changed}
        for kind, lanes in (("calendar", self.calendars), ("room", self.rooms)):
            for key, lane in lanes.items():
                for appointment_id in [i for i in gone if i in lane]:
                    edit.remove(kind, key, appointment_id)
        for appointment_id, _, kind, key, start, end in changed:
            if kind is not None and key in (self.calendars if kind == "calendar" else self.rooms):
                edit.add(kind, key, appointment_id, (int(start), int(end)))
        return edit.done(), max(since, *(entry[1] for entry in changed))


class _Edit:
    """A new KeptOccupancy from an old one: lanes copied on their first change."""

    def __init__(self, old: KeptOccupancy) -> None:
        self._lanes = {"calendar": dict(old.calendars), "room": dict(old.rooms)}
        self._listed = {
            "calendar": dict(old.occupancy.calendars),
            "room": dict(old.occupancy.rooms),
        }
        self._copied: set[tuple[str, str]] = set()

    def _lane(self, kind: str, key: str) -> tuple[Lane, list[BusySpan]]:
        if (kind, key) not in self._copied:
            self._copied.add((kind, key))
            self._lanes[kind][key] = dict(self._lanes[kind][key])
            self._listed[kind][key] = list(self._listed[kind][key])
        return self._lanes[kind][key], self._listed[kind][key]

    def remove(self, kind: str, key: str, appointment_id: str) -> None:
        lane, spans = self._lane(kind, key)
        del spans[bisect.bisect_left(spans, lane.pop(appointment_id))]

    def add(self, kind: str, key: str, appointment_id: str, span: BusySpan) -> None:
        lane, spans = self._lane(kind, key)
        lane[appointment_id] = span
        bisect.insort(spans, span)

    def done(self) -> KeptOccupancy:
        occupancy = Occupancy(self._listed["calendar"], self._listed["room"])
        return KeptOccupancy(self._lanes["calendar"], self._lanes["room"], occupancy)
