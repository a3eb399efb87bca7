"""Searching and presenting bookable slots, shared by every tool that offers times."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel

from agent_tools import speech
from agent_tools.availability import (
    Interval,
    SlotQuery,
    iter_slots,
    merge,
    spread,
    to_datetime,
    utc_seconds,
    without,
)
from agent_tools.business import Business, Service
from agent_tools.errors import (
    InvalidArguments,
    OutsideHours,
    SlotTaken,
    TooFarAhead,
    ToolError,
    TooSoon,
    UnknownService,
    WhichService,
)
from agent_tools.ports import Appointment, Deps

_SLOT_ID = re.compile(r"^([a-z0-9-]+)@(\d{8}T\d{4})Z$")


class SlotOffer(BaseModel):
    slot_id: str
    start: str
    end: str
    spoken: str


def slot_id(service: Service, start: datetime) -> str:
    """Stateless and short, so any instance can book it and an LLM copies it faithfully."""
    return f"{service.key}@{start.astimezone(UTC):%Y%m%dT%H%M}Z"


def parse_slot_id(value: str, business: Business) -> tuple[Service, datetime]:
    match = _SLOT_ID.match(value.strip())
    service = business.service(match[1]) if match else None
    if match is None or service is None:
        raise InvalidArguments(
            "That time reference didn't come through right. Let me look the times up again.",
            field="slot_id",
        )
    try:
        start = datetime.strptime(match[2], "%Y%m%dT%H%M").replace(tzinfo=UTC)
        return service, start.astimezone(business.timezone)
    except (ValueError, OverflowError):  # month 13, or an instant at the calendar's edge
        raise InvalidArguments(
            "That time reference didn't come through right. Let me look the times up again.",
            field="slot_id",
        ) from None


def offer(service: Service, start: int, business: Business, today: date) -> SlotOffer:
    begins = to_datetime(start, business.timezone)
    ends = begins + service.duration
    return SlotOffer(
        slot_id=slot_id(service, begins),
        start=begins.isoformat(),
        end=ends.isoformat(),
        spoken=speech.moment(begins, today),
    )


@dataclass(frozen=True, slots=True)
class Search:
    """Everything needed to list slots for one service up to the booking horizon."""

    business: Business
    service: Service
    now: datetime
    busy: list[Interval]
    full_days: frozenset[date] = frozenset()

    @property
    def today(self) -> date:
        return self.business.today(self.now)

    @property
    def not_before(self) -> int:
        return int((self.now + self.business.rules.min_notice).timestamp())

    @property
    def horizon(self) -> int:
        return int((self.now + timedelta(days=self.business.rules.max_days_ahead)).timestamp())

    def starts(
        self,
        start: int,
        end: int,
        daily: tuple[time, time] | None = None,
        *,
        ends_by: bool = False,
    ) -> Iterable[int]:
        query = SlotQuery(
            service=self.service,
            window=Interval(start, end),
            not_before=self.not_before,
            not_after=self.horizon,
            busy=self.busy,
            full_days=self.full_days,
            daily=daily,
            ends_by=ends_by,
        )
        return iter_slots(self.business, query)

    def offers(self, starts: Iterable[int]) -> list[SlotOffer]:
        return [offer(self.service, s, self.business, self.today) for s in starts]

    def offers_start(self, start: datetime) -> bool:
        at = utc_seconds(start)
        return any(s == at for s in self.starts(at, at + 1))

    def say(self, starts: Iterable[int]) -> str:
        zone = self.business.timezone
        return speech.choices([to_datetime(s, zone) for s in starts], self.today)

    def nearest(self, around: int, limit: int = 3) -> list[int]:
        """Open times nearest ``around``: the latest one before it (if any), then the next ones
        after it, spread over the coming days."""
        before: int | None = None
        for start in self.starts(self.not_before, around):
            before = start
        wanted_after = limit - (1 if before is not None else 0)
        after = spread(self.starts(around, self.horizon), wanted_after, self.business.timezone)
        return ([before] if before is not None else []) + after


async def open_search(
    deps: Deps,
    service: Service,
    now: datetime,
    around: datetime | None = None,
    moving: Appointment | None = None,
) -> Search:
    """Load busy time from the calendar and our own appointments, concurrently: up to the
    horizon (one round trip each, whatever the window, so alternatives cost nothing more), or
    only the day either side of ``around`` when a single start is to be checked. The time of
    an appointment being ``moving`` does not count as busy."""
    business = deps.business
    start = now - service.duration - service.buffer_after
    end = now + timedelta(days=business.rules.max_days_ahead + 1)
    if around is not None:
        start, end = max(start, around - timedelta(days=1)), around + timedelta(days=1)
    calendar_busy, store_busy, full_days = await asyncio.gather(
        deps.calendar.busy(business.busy_calendar_ids, start, end, live=around is not None),
        deps.store.blocked(
            business.id,
            business.calendar_id,
            start,
            end,
            except_id=moving.appointment_id if moving else None,
        ),
        _full_days(deps, start, end),
    )
    if moving is not None:  # its own calendar event
        calendar_busy = without(calendar_busy, utc_seconds(moving.start), utc_seconds(moving.end))
    busy = merge([*calendar_busy, *store_busy])
    return Search(business, service, now, busy, full_days)


async def _full_days(deps: Deps, start: datetime, end: datetime) -> frozenset[date]:
    """Local dates that reached the business's cap on appointments (if it has one)."""
    business = deps.business
    cap = business.rules.max_per_day
    if cap is None:
        return frozenset()
    counts = await deps.store.count_by_day(
        business.id, business.calendar_id, start, end, business.timezone.key
    )
    return frozenset(day for day, count in counts.items() if count >= cap)


def choose_service(business: Business, name: str | None) -> Service:
    """The service named; with none named, the only one. Never a silent guess among several."""
    names = speech.join_or([s.name for s in business.services])
    if name is None or not name.strip():
        if len(business.services) > 1:
            raise WhichService(f"We offer {names}. Which one would you like?", field="service")
        return business.services[0]
    service = business.service(name)
    if service is None:
        raise UnknownService(f"We offer {names}. Which one would you like?", field="service")
    return service


def refusal(search: Search, start: datetime) -> ToolError:
    """Why ``start`` cannot be booked, with the nearest times that can."""
    at = utc_seconds(start)
    rules = search.business.rules
    if at < search.not_before:
        minutes = int(rules.min_notice.total_seconds() // 60)
        earliest = search.nearest(search.not_before, 2)
        return TooSoon(
            f"I need at least {minutes} minutes' notice. The earliest I have is "
            f"{search.say(earliest)}.",
            alternatives=[o.model_dump() for o in search.offers(earliest)],
        )
    if at >= search.horizon:
        return TooFarAhead(
            f"I can only book up to {rules.max_days_ahead} days ahead. "
            "Would a date before then work?"
        )
    nearby = search.nearest(at)
    alternatives = [o.model_dump() for o in search.offers(nearby)]
    unbusy = Search(search.business, search.service, search.now, busy=[])
    if not unbusy.offers_start(start):
        return OutsideHours(
            "We're not open for that time"
            + (f"; the nearest openings are {search.say(nearby)}." if nearby else "."),
            alternatives=alternatives,
        )
    return SlotTaken(
        "Sorry, that time was just taken."
        + (f" I can offer {search.say(nearby)}." if nearby else ""),
        alternatives=alternatives,
    )
