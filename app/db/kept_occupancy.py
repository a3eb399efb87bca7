"""Our appointments' blocked spans kept by appointment, so a kept copy is brought up to date by
the few appointments changed since it was read instead of by reading them all again.

Every appointment carries the business's version its last change to what a search reads moved
to (migration 20261127000100). A copy read at version v plus the appointments stamped after v
is the business's occupancy now: versions commit in order, so a read that sees a change
stamped n sees every change below it. A delete leaves nothing to read; it records its version,
and a copy older than the last delete is read again in full.
"""

from __future__ import annotations

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
        the version it now stands at; None when a delete since then means reading it all."""
        if int(changes["deleted_in"]) > since:
            return None
        changed: list[list[Any]] = changes["changed"]
        if not changed:
            return self, since
        calendars, rooms = dict(self.calendars), dict(self.rooms)
        touched: set[tuple[str, str]] = set()
        gone = {entry[0] for entry in changed}
        for kind, lanes in (("calendar", calendars), ("room", rooms)):
            for key, lane in lanes.items():
                if not gone.isdisjoint(lane):
                    lanes[key] = {i: span for i, span in lane.items() if i not in gone}
                    touched.add((kind, key))
        for appointment_id, _, kind, key, start, end in changed:
            lanes = calendars if kind == "calendar" else rooms
            if kind is None or key not in lanes:
                continue  # it blocks nothing asked for in the window
            if (kind, key) not in touched:
                lanes[key] = dict(lanes[key])
                touched.add((kind, key))
            lanes[key][appointment_id] = (int(start), int(end))
        occupancy = Occupancy(
            {**self.occupancy.calendars, **_listed(calendars, "calendar", touched)},
            {**self.occupancy.rooms, **_listed(rooms, "room", touched)},
        )
        return KeptOccupancy(calendars, rooms, occupancy), max(since, *(e[1] for e in changed))


def _listed(
    lanes: dict[str, Lane], kind: str, only: set[tuple[str, str]]
) -> dict[str, list[BusySpan]]:
    """The spans of the ``only`` lanes of ``kind``, each in order."""
    return {key: sorted(lane.values()) for key, lane in lanes.items() if (kind, key) in only}
