"""Opening a search: loading each person's busy time (their calendar, through its mirror, and
our appointments on it), their full days, and the shared rooms' busy time.

One load serves every search of the same people while the business's data is unchanged: it
is kept in the memo (agent_tools.ports.Memo, which the app keeps under the business's data
version, so any change shows in the very next search, and for seconds at most). A load reaches
from a day before it was read to a day past the booking horizon (the next day's horizon), so a
search for any service asked while it is kept finds all it needs in it. A move's search (the
moved appointment left out) is loaded for itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from agent_tools.availability import Interval, merge, utc_seconds, without
from agent_tools.business import Service
from agent_tools.ports import Appointment, Deps
from agent_tools.search import Lane, Search, calendar_spans
from agent_tools.staff import StaffMember
from calendar_adapter.protocol import BusyByCalendar

_MARGIN = timedelta(days=1)
# Past the horizon of the day it was read on, a load reaches the next day's too (a load kept
# across midnight serves the next day's searches), a day of 25 hours (DST) included.
_AHEAD = timedelta(days=1, hours=1)

Rooms = tuple[tuple[str, list[Interval]], ...]  # (unit, merged busy) of the room a service needs


async def open_search(
    deps: Deps,
    service: Service,
    now: datetime,
    *,
    moving: Appointment | None = None,
    named: StaffMember | None = None,
    slack: timedelta = timedelta(0),
) -> Search:
    """The search for ``service`` as of ``now``: the people are ``named``, else everyone who
    does the service; the time of an appointment being ``moving`` does not count as busy.
    Busy time is read up to the horizon, so alternatives cost nothing more
    (agent_tools/last_look.py asks the calendars themselves before a booking)."""
    business = deps.business
    if named is not None:
        members: tuple[StaffMember, ...] = (named,)
    else:
        members = tuple(m for m in business.team if m.does(service))
    room = business.room_for(service)
    units = room.units if room is not None else ()
    if moving is None:
        key = ("busy", tuple((m.id, m.calendar_id) for m in members), units)

        async def load() -> tuple[tuple[Lane, ...], Rooms]:  # the last load only when loading
            return await _load(deps, members, units, now, earlier=_lanes(deps.memo.last(key)))

        lanes, rooms = await deps.memo.recall(key, load)
    else:
        lanes, rooms = await _load(deps, members, units, now, moving)
    return Search(business, service, now, lanes, named=named, rooms=rooms, slack=slack)


async def open_every_search(deps: Deps) -> None:
    """Open each service's search for anyone, as most calls' first question does, so the busy
    time it reads is kept before the first caller asks (an instance does this once each
    business's calendars are first synced)."""
    now = deps.clock()
    for service in deps.business.services:
        await open_search(deps, service, now)  # services of the same people share one load


async def _load(
    deps: Deps,
    members: Sequence[StaffMember],
    units: tuple[str, ...],
    now: datetime,
    moving: Appointment | None = None,
    *,
    earlier: Sequence[Lane] = (),
) -> tuple[tuple[Lane, ...], Rooms]:
    """Everyone's busy time, read concurrently in one request each however many people. A
    lane of ``earlier`` (the last load of the same people) is kept when what it was merged
    from is unchanged: a booking changes one person's spans, not everyone's."""
    business = deps.business
    start = now - _MARGIN
    end = business.horizon(business.today(now)) + _AHEAD
    calendars = [m.calendar_id for m in members]
    except_id = moving.appointment_id if moving else None
    calendar_busy, ours, full_days = await asyncio.gather(
        deps.calendar.busy(
            list(dict.fromkeys([*calendars, *business.extra_busy_calendars])), start, end
        ),
        deps.store.occupancy(business.id, calendars, units, start, end, except_id=except_id),
        _full_days(deps, members, start, end, except_id),
    )
    calendar_busy = without_own_event(calendar_busy, moving)
    kept = {lane.member.id: lane for lane in earlier}
    lanes = []
    for member in members:
        days = full_days.get(member.calendar_id, frozenset())
        sources = (
            *(calendar_busy.get(c) for c in (member.calendar_id, *business.extra_busy_calendars)),
            ours.calendars.get(member.calendar_id),
        )
        lane = kept.get(member.id)
        if lane is None or lane.full_days != days or not lane.built_from(member, sources):
            spans = [*calendar_spans(business, calendar_busy, member)]
            spans += ours.calendars.get(member.calendar_id, [])
            lane = Lane(member, merge(spans), days, sources)
        lanes.append(lane)
    return tuple(lanes), tuple((unit, merge(ours.rooms.get(unit, []))) for unit in units)


def _lanes(kept: object) -> Sequence[Lane]:
    """The lanes of a load kept by the memo (anything else kept there: none)."""
    if isinstance(kept, tuple) and kept and isinstance(kept[0], tuple):
        return tuple(lane for lane in kept[0] if isinstance(lane, Lane))
    return ()


def without_own_event(calendar_busy: BusyByCalendar, moving: Appointment | None) -> BusyByCalendar:
    """The calendars' busy time without the event of the appointment being moved."""
    if moving is None or moving.calendar_id not in calendar_busy:
        return calendar_busy
    own = without(
        calendar_busy[moving.calendar_id], utc_seconds(moving.start), utc_seconds(moving.end)
    )
    return {**calendar_busy, moving.calendar_id: own}  # (the ports' maps are shared: no edit)


async def _full_days(
    deps: Deps,
    members: Sequence[StaffMember],
    start: datetime,
    end: datetime,
    except_id: str | None,
) -> dict[str, frozenset[date]]:
    """Per calendar, the local dates at a cap: the business's (all its calendars together)
    or the person's own."""
    business = deps.business
    cap = business.rules.max_per_day
    if cap is None and all(m.max_per_day is None for m in members):
        return {}
    counts = await deps.store.count_by_day(
        business.id,
        business.booking_calendar_ids,
        start,
        end,
        business.timezone.key,
        except_id=except_id,
    )
    totals: dict[date, int] = {}
    for by_day in counts.values():
        for day, n in by_day.items():
            totals[day] = totals.get(day, 0) + n
    business_full = {day for day, n in totals.items() if cap is not None and n >= cap}
    return {
        m.calendar_id: frozenset(
            business_full
            | {
                day
                for day, n in counts.get(m.calendar_id, {}).items()
                if m.max_per_day is not None and n >= m.max_per_day
            }
        )
        for m in members
    }
