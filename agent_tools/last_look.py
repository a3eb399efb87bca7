"""The last look before a booking or a move: who can take a start, confirmed with the calendars.

A search reads the calendar mirror, which a staff edit in Google reaches a few seconds later
(push, then sync). So before a booking or a move is written, the people the search found free
at the start are checked against their calendars themselves, over the day either side of it
(so the alternatives offered beside a refusal are as current as the refusal). A start the
search already finds taken costs no calendar request: it is refused from what is known. A
mirror behind Google can then only make us refuse a time that has just come free, never book
one that has just been filled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agent_tools.availability import to_datetime, utc_seconds
from agent_tools.busy import without_own_event
from agent_tools.ports import Appointment, Deps
from agent_tools.search import Search, Spot, calendar_spans

_DAY = timedelta(days=1)


async def free_spots(
    deps: Deps, search: Search, start: datetime, *, moving: Appointment | None = None
) -> tuple[list[Spot], Search]:
    """Who can take ``start`` (with a free room unit when the service needs one), and the
    search with what the calendars said counted, to offer alternatives from when nobody can.
    The event of the appointment being ``moving`` does not count."""
    spots = search.spots(start)
    if not spots:
        return [], search
    business = search.business
    zone = business.timezone
    low, high = search.blocked(utc_seconds(start))
    calendars = [spot.member.calendar_id for spot in spots]
    asked = list(dict.fromkeys([*calendars, *business.extra_busy_calendars]))
    live = await deps.calendar.busy(
        asked, to_datetime(low, zone) - _DAY, to_datetime(high, zone) + _DAY, live=True
    )
    live = without_own_event(live, moving)
    free = [
        spot
        for spot in spots
        if not any(s < high and e > low for s, e in calendar_spans(business, live, spot.member))
    ]
    # Alternatives are offered only when nobody is free: only then is the search redone with
    # what the calendars said.
    return free, search if free else search.with_calendar_busy(live)
