"""One search for bookable times: each qualified person's lane, and the shared rooms.

A lane is one staff member's free time (their hours, their calendar, our appointments on it,
their full days). A time is offered when at least one lane has it free and, for a service that
needs a room, at least one unit of that room is free for the whole blocked span. Lanes are
searched lazily and merged, so "anyone" across 8 people costs little more than one person.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import partial

from agent_tools import speech
from agent_tools.availability import (
    Hours,
    Interval,
    SlotQuery,
    iter_slots,
    merge,
    overlaps,
    spread,
    to_datetime,
    utc_seconds,
)
from agent_tools.business import Business, Service
from agent_tools.staff import StaffMember
from agent_tools.views import with_whom
from calendar_adapter.protocol import BusyByCalendar, BusySpan

_DAY_SECONDS = 86_400
_WEEK_SECONDS = 7 * _DAY_SECONDS


@dataclass(frozen=True, slots=True)
class Lane:
    """One person's time in a search."""

    member: StaffMember
    busy: list[Interval]
    full_days: frozenset[date] = frozenset()
    # The busy spans' starts, for the bisects of every slot looked at (computed once: a lane
    # is kept across searches, agent_tools/busy.py).
    busy_starts: list[int] = field(init=False, repr=False, compare=False)
    # What ``busy`` was merged from (the kept lists of spans, each object as read): a lane
    # whose sources are the very same objects is the same lane (agent_tools/busy.py).
    sources: tuple[object, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "busy_starts", [span.start for span in self.busy])

    def built_from(self, member: StaffMember, sources: tuple[object, ...]) -> bool:
        """Whether this lane is ``member``'s, merged from these very objects."""
        return (
            self.member == member
            and len(self.sources) == len(sources)
            and all(mine is theirs for mine, theirs in zip(self.sources, sources, strict=True))
        )


@dataclass(frozen=True, slots=True)
class Spot:
    """Who and which room unit could take an appointment at a given start."""

    member: StaffMember
    room_unit: str | None


@dataclass(frozen=True, slots=True)
class Search:
    """Everything needed to list slots for one service up to the booking horizon."""

    business: Business
    service: Service
    now: datetime
    lanes: tuple[Lane, ...]
    named: StaffMember | None = None  # the caller asked for this person
    rooms: tuple[tuple[str, list[Interval]], ...] = ()  # (unit, busy) when the service needs one
    slack: timedelta = timedelta(0)  # notice counts from now + slack (agent_tools/minute.py)

    @property
    def today(self) -> date:
        return self.business.today(self.now)

    @property
    def not_before(self) -> int:
        return int((self.now + self.slack + self.business.rules.min_notice).timestamp())

    @property
    def horizon(self) -> int:
        return int(self.business.horizon(self.today).timestamp())

    def unbusy(self) -> Search:
        """The same search as if nobody had anything booked: what the hours alone allow."""
        return replace(
            self,
            lanes=tuple(Lane(lane.member, []) for lane in self.lanes),
            rooms=tuple((unit, []) for unit, _ in self.rooms),
        )

    def with_calendar_busy(self, calendar_busy: BusyByCalendar) -> Search:
        """The same search with more of the calendars' busy time counted (a live look at a
        few of them): a calendar's spans go to its person's lane, and the spans of the
        business's extra busy calendars to everyone's."""
        business = self.business
        lanes = tuple(
            Lane(
                lane.member,
                merge([*lane.busy, *calendar_spans(business, calendar_busy, lane.member)]),
                lane.full_days,
            )
            for lane in self.lanes
        )
        return replace(self, lanes=lanes)

    def _lane_starts(
        self,
        lane: Lane,
        window: Interval,
        daily: tuple[time, time] | None,
        ends_by: bool,
    ) -> Iterator[int]:
        query = SlotQuery(
            service=self.service,
            window=window,
            not_before=self.not_before,
            not_after=self.horizon,
            busy=lane.busy,
            busy_starts=lane.busy_starts,
            full_days=lane.full_days,
            daily=daily,
            ends_by=ends_by,
            hours=self._hours(lane.member),
        )
        return iter_slots(self.business, query)

    def _hours(self, member: StaffMember) -> Hours | None:
        if member.implicit or (member.weekly_hours is None):
            return None  # the business's own hours (closures and special hours included)
        return partial(self.business.staff_hours_on, member)

    def starts(
        self,
        start: int,
        end: int,
        daily: tuple[time, time] | None = None,
        *,
        ends_by: bool = False,
    ) -> Iterable[int]:
        """Open starts in ``[start, end)``, earliest first, each once however many people
        are free then."""
        window = Interval(start, end)
        streams = [self._lane_starts(lane, window, daily, ends_by) for lane in self.lanes]
        merged = streams[0] if len(streams) == 1 else _unique(heapq.merge(*streams))
        if not self.rooms:
            return merged
        return (s for s in merged if self._room_unit_free(s) is not None)

    def blocked(self, start: int) -> tuple[int, int]:
        """The span an appointment of this service starting at ``start`` keeps busy."""
        service = self.service
        end = start + int(service.duration.total_seconds())
        return (
            start - int(service.buffer_before.total_seconds()),
            end + int(service.buffer_after.total_seconds()),
        )

    def _room_unit_free(self, start: int) -> str | None:
        low, high = self.blocked(start)
        return next((unit for unit, busy in self.rooms if not overlaps(busy, low, high)), None)

    def spots(self, start: datetime) -> list[Spot]:
        """Each person free at ``start``, with a free room unit when one is needed (every
        free unit, so a booking that loses one unit to a race can take the next)."""
        at = utc_seconds(start)
        members = [
            lane.member
            for lane in self.lanes
            if any(s == at for s in self._lane_starts(lane, Interval(at, at + 1), None, False))
        ]
        if not self.rooms:
            return [Spot(member, None) for member in members]
        low, high = self.blocked(at)
        units = [unit for unit, busy in self.rooms if not overlaps(busy, low, high)]
        return [Spot(member, unit) for member in members for unit in units]

    def offers_start(self, start: datetime) -> bool:
        at = utc_seconds(start)
        return any(s == at for s in self.starts(at, at + 1))

    def say(self, starts: Iterable[int]) -> str:
        zone = self.business.timezone
        said = speech.choices([to_datetime(s, zone) for s in starts], self.today)
        return said + self.with_whom

    @property
    def with_whom(self) -> str:
        """ " with Maya" when the business has several people and this search is one's."""
        return with_whom(self.named, self.business)

    def nearest(self, around: int, limit: int = 3) -> list[int]:
        """Open times nearest ``around``: the latest one before it (if any), then the next ones
        after it, spread over the coming days."""
        before = self.latest_before(around)
        wanted_after = limit - (1 if before is not None else 0)
        after = spread(self.starts(around, self.horizon), wanted_after, self.business.timezone)
        return ([before] if before is not None else []) + after

    def latest_before(self, around: int) -> int | None:
        """The last open start before ``around``: the day before it is looked at first, then
        the week, then back to the earliest allowed, so a full diary is not walked from today."""
        high = around
        for reach in (_DAY_SECONDS, _WEEK_SECONDS, None):
            low = self.not_before if reach is None else max(self.not_before, around - reach)
            if low >= high:
                return None
            last = None
            for last in self.starts(low, high):  # noqa: B007 - the loop keeps the last one
                pass
            if last is not None:
                return last
            high = low
        return None


def calendar_spans(
    business: Business, calendar_busy: BusyByCalendar, member: StaffMember
) -> list[BusySpan]:
    """A person's busy time on the calendars: their own calendar's spans, and those of the
    business's extra busy calendars (closures, team events), which keep everyone busy."""
    extra = (span for c in business.extra_busy_calendars for span in calendar_busy.get(c, []))
    return [*calendar_busy.get(member.calendar_id, []), *extra]


def _unique(starts: Iterable[int]) -> Iterator[int]:
    last = None
    for start in starts:
        if start != last:
            yield start
            last = start
