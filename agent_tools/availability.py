"""Pure slot computation: opening hours, rules and busy time in; bookable start times out.

Internally every instant is an integer of POSIX seconds: comparing ints is several times
faster than comparing aware datetimes, and a 60-day search must stay within a few ms.

DST policy (tested in tests/agent_tools/test_availability.py):
- the slot grid is laid on the business's wall clock (9:00, 9:15, ...), so a slot never starts
  at an odd minute after a change;
- a wall time that does not exist (spring-forward gap) is never offered;
- a wall time that occurs twice (fall-back overlap) is offered once, at its first occurrence;
- durations are elapsed time: a 60-minute visit is 60 real minutes on either side of a change.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from agent_tools.business import END_OF_DAY, Business, OpenRange, Service

# A person's opening ranges on a local date (default: the business's).
Hours = Callable[[date], tuple[OpenRange, ...]]


class Interval(NamedTuple):
    """A half-open span of POSIX seconds, ``[start, end)``. A tuple: sorting and building
    thousands of them per request is several times cheaper than with a dataclass."""

    start: int
    end: int


def to_datetime(seconds: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(seconds, zone)


def merge(intervals: Iterable[tuple[int, int]]) -> list[Interval]:
    """Sorted, non-overlapping, non-touching union of ``intervals``."""
    merged: list[Interval] = []
    low = high = None
    for start, end in sorted(intervals, key=itemgetter(0)):
        if end <= start:
            continue
        if high is not None and start <= high:
            high = max(high, end)
            continue
        if low is not None and high is not None:
            merged.append(Interval(low, high))
        low, high = start, end
    if low is not None and high is not None:
        merged.append(Interval(low, high))
    return merged


def without(spans: Iterable[tuple[int, int]], low: int, high: int) -> list[tuple[int, int]]:
    """``spans`` with ``[low, high)`` cut out of them."""
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if end <= low or start >= high:
            kept.append((start, end))
            continue
        if start < low:
            kept.append((start, low))
        if end > high:
            kept.append((high, end))
    return kept


def wall_to_seconds(local: datetime, zone: ZoneInfo, *, fold: int = 0) -> int | None:
    """POSIX seconds of a naive wall-clock time in ``zone``; None if it falls in a DST gap."""
    aware = local.replace(tzinfo=zone, fold=fold)
    seconds = int(aware.timestamp())
    if datetime.fromtimestamp(seconds, zone).replace(tzinfo=None) != local:
        return None
    return seconds


def resolve_wall(local: datetime, zone: ZoneInfo, *, fold: int = 0) -> int:
    """Like :func:`wall_to_seconds`, but a time inside a gap moves forward by the gap's length
    (02:30 on a spring-forward night becomes 03:30), the usual reading of a boundary."""
    return int(local.replace(tzinfo=zone, fold=fold).timestamp())


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """What to search: a service over ``window`` (slot starts in ``[start, end)``)."""

    service: Service
    window: Interval
    not_before: int  # now plus minimum notice
    not_after: int  # the booking horizon
    busy: Sequence[Interval]  # merged, sorted (see :func:`merge`)
    full_days: frozenset[date] = frozenset()  # days at their appointment cap
    daily: tuple[time, time] | None = None  # on each day, only starts in this wall-clock span
    ends_by: bool = False  # a stated window: the appointment also ends by its end (and daily's)
    hours: Hours | None = None  # a staff member's own hours; None: the business's
    busy_starts: Sequence[int] | None = None  # busy's starts, when the caller keeps them


def iter_slots(business: Business, query: SlotQuery) -> Iterator[int]:
    """Every bookable slot start in the query's window, earliest first, lazily."""
    zone = business.timezone
    service = query.service
    duration = int(service.duration.total_seconds())
    before = int(service.buffer_before.total_seconds())
    after = int(service.buffer_after.total_seconds())
    step = int(business.rules.slot_interval.total_seconds())
    low = max(query.window.start, query.not_before)
    high = min(query.window.end, query.not_after)
    if low >= high:
        return
    busy = query.busy
    busy_starts = query.busy_starts
    if busy_starts is None:
        busy_starts = [b.start for b in busy]

    day = datetime.fromtimestamp(low, zone).date()
    last_day = datetime.fromtimestamp(high, zone).date()
    resume = low  # no start before this can be offered (the window, or busy time found)
    closed = low  # the end of the last opening looked at
    while day <= last_day:
        if day not in query.full_days:
            day_low, day_high = _daily_bounds(day, query.daily, zone)
            for open_start, open_end, grid in _day_grid(business, day, step, query.hours):
                closed = open_end
                index = bisect.bisect_left(grid, max(resume, open_start, day_low))
                while index < len(grid):
                    start = grid[index]
                    end = start + duration
                    if start >= high:
                        return
                    if end > open_end or start >= day_high:
                        break  # and so do the later starts of this opening
                    if query.ends_by and (end > high or end > day_high):
                        break
                    taken = _busy_until(busy, busy_starts, start - before, end + after)
                    if taken is None:
                        yield start
                        index += 1
                        continue
                    # Every start before the busy span's end (plus the buffer) overlaps it too:
                    # skip them at once, so a full day or a long absence costs one step.
                    resume = taken + before
                    index = bisect.bisect_left(grid, resume, index + 1)
        day += timedelta(days=1)
        if resume > closed:  # busy past the day's last opening: go to the day it ends
            day = max(day, datetime.fromtimestamp(resume, zone).date())


def _daily_bounds(day: date, daily: tuple[time, time] | None, zone: ZoneInfo) -> tuple[int, int]:
    if daily is None:
        return 0, 2**62
    since, until = daily
    low = resolve_wall(datetime.combine(day, since), zone)
    if until == END_OF_DAY:
        return low, resolve_wall(datetime.combine(day + timedelta(days=1), time(0)), zone)
    return low, resolve_wall(datetime.combine(day, until), zone)


def overlaps(busy: Sequence[Interval], low: int, high: int) -> bool:
    """Whether ``[low, high)`` overlaps merged, sorted ``busy``."""
    index = bisect.bisect_left(busy, (high,)) - 1
    return index >= 0 and busy[index].end > low


def _busy_until(busy: Sequence[Interval], starts: Sequence[int], low: int, high: int) -> int | None:
    """The end of the busy span that ``[low, high)`` overlaps, or None when it is free."""
    # The busy interval that could overlap [low, high) is the last one starting before high.
    index = bisect.bisect_left(starts, high) - 1
    if index >= 0 and busy[index].end > low:
        return busy[index].end
    return None


def _day_grid(
    business: Business, day: date, step: int, hours: Hours | None
) -> Iterator[tuple[int, int, Sequence[int]]]:
    """For each opening range of a local day: its bounds and its grid of start times."""
    zone = business.timezone
    for opening in (hours or business.hours_on)(day):
        yield _opening_grid(day, opening.start, opening.end, step, zone)


@lru_cache(maxsize=16384)
def _opening_grid(
    day: date, opens: time, closes: time, step: int, zone: ZoneInfo
) -> tuple[int, int, Sequence[int]]:
    """An opening's bounds and grid of starts on a local day (kept: every person's lane of a
    search, and every search of the day, asks for the same ones)."""
    wall_start = datetime.combine(day, opens)
    wall_end = (
        datetime.combine(day + timedelta(days=1), time(0))
        if closes == END_OF_DAY
        else datetime.combine(day, closes)
    )
    open_start = resolve_wall(wall_start, zone)
    open_end = resolve_wall(wall_end, zone, fold=1)
    wall_span = int((wall_end - wall_start).total_seconds())
    if open_end - open_start == wall_span:
        # No clock change inside this opening (the common case): the grid is arithmetic.
        return open_start, open_end, range(open_start, open_end, step)
    return open_start, open_end, tuple(_grid_across_change(wall_start, wall_span, step, zone))


def _grid_across_change(
    wall_start: datetime, wall_span: int, step: int, zone: ZoneInfo
) -> list[int]:
    grid: list[int] = []
    for offset in range(0, wall_span, step):
        seconds = wall_to_seconds(wall_start + timedelta(seconds=offset), zone)
        if seconds is not None and (not grid or seconds > grid[-1]):
            grid.append(seconds)
    return grid


def spread(starts: Iterable[int], limit: int, zone: ZoneInfo) -> list[int]:
    """Choose up to ``limit`` starts that give the caller a real choice, earliest first.

    Starts are grouped by part of day (morning, afternoon, evening of each date). Each of the
    first ``limit`` groups offers its earliest start, so "as soon as possible" hears this
    morning, this afternoon and tomorrow morning rather than 9:00, 9:15 and 9:30. When there are
    fewer groups than ``limit``, the earlier groups offer more, evenly spaced across the group
    (9:00, 10:00, 11:00 rather than 9:00, 9:15, 9:30).
    """
    if limit <= 0:
        return []
    groups: dict[tuple[date, int], list[int]] = {}
    for start in starts:
        local = datetime.fromtimestamp(start, zone)
        key = (local.date(), _part_of_day(local.hour))
        if key not in groups and len(groups) == limit:
            break
        groups.setdefault(key, []).append(start)
    members = list(groups.values())
    shares = [1] * len(members)
    spare = limit - len(members)
    while spare > 0 and any(share < len(m) for share, m in zip(shares, members, strict=True)):
        for index, group in enumerate(members):
            if spare and shares[index] < len(group):
                shares[index] += 1
                spare -= 1
    return [s for share, group in zip(shares, members, strict=True) for s in _evenly(group, share)]


def _evenly(items: list[int], count: int) -> list[int]:
    """``count`` items from sorted ``items``: the first, the last, and evenly between."""
    if count >= len(items):
        return items
    if count == 1:
        return items[:1]
    last = len(items) - 1
    return [items[round(i * last / (count - 1))] for i in range(count)]


def _part_of_day(hour: int) -> int:
    return 0 if hour < 12 else 1 if hour < 17 else 2


def utc_seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry its offset")
    return int(moment.astimezone(UTC).timestamp())
