"""Who gets an "anyone" booking: a fairness rule, not "highest score wins".

Among the qualified people free at the time, the one with the fewest booked minutes over the
7 days around the slot goes first; ties go to whoever was assigned an appointment least
recently (never assigned counts as longest ago); remaining ties by staff id, so the order is
the same on every instance. Daily caps are not weighed here: a person at their cap is not free
(agent_tools.search) and the store refuses a booking past it.

The booking tries people in this order, so two callers racing for the same "anyone" slot end up
with two different people rather than one of them hearing "taken".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WINDOW = timedelta(days=7)  # centred on the slot: 3.5 days either side

_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Load:
    """One person's booked minutes in the window, and their last assignment."""

    minutes: int = 0
    last_assigned: datetime | None = None


def fairest_first(staff_ids: Iterable[str], loads: Mapping[str, Load]) -> list[str]:
    """``staff_ids`` (each once), fairest first; someone without a load has none."""

    def rank(staff_id: str) -> tuple[int, datetime, str]:
        load = loads.get(staff_id, Load())
        return load.minutes, load.last_assigned or _NEVER, staff_id

    return sorted(dict.fromkeys(staff_ids), key=rank)


def window_around(start: datetime) -> tuple[datetime, datetime]:
    """The 7 days around a slot whose booked minutes count."""
    return start - WINDOW / 2, start + WINDOW / 2
