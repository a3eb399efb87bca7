"""Putting the fairness rule (agent_tools.fairness) to work on the people free for a booking."""

from __future__ import annotations

from datetime import datetime

from agent_tools.fairness import fairest_first, window_around
from agent_tools.ports import Deps
from agent_tools.search import Spot


async def fairest_spots(
    deps: Deps, start: datetime, spots: list[Spot], prefer: str | None = None
) -> list[Spot]:
    """``spots`` fairest person first (each person's room units kept in order). ``prefer``
    (a staff id) goes first whatever the loads: a moved appointment stays with its person when
    they are free. One query, and none when there is only one person to choose."""
    members = {spot.member.id: spot.member for spot in spots}
    if len(members) <= 1:
        return spots
    calendars = {member.calendar_id: staff_id for staff_id, member in members.items()}
    loads = await deps.store.staff_load(deps.business.id, list(calendars), *window_around(start))
    order = fairest_first(members, {calendars[c]: load for c, load in loads.items()})
    if prefer in members:
        order.remove(prefer)
        order.insert(0, prefer)
    rank = {staff_id: i for i, staff_id in enumerate(order)}
    return sorted(spots, key=lambda spot: rank[spot.member.id])
