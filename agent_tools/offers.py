"""Presenting bookable slots, shared by every tool that offers times: the stateless slot id,
the offer as the agent reads it, choosing the service and the person, and why a time can't be
booked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel

from agent_tools import speech
from agent_tools.availability import to_datetime, utc_seconds
from agent_tools.business import Business, Service
from agent_tools.errors import (
    InvalidArguments,
    OutsideHours,
    SlotTaken,
    TooFarAhead,
    ToolError,
    TooSoon,
    UnknownService,
    UnknownStaff,
    WhichService,
)
from agent_tools.search import Search
from agent_tools.staff import StaffMember, says_anyone
from agent_tools.views import StaffOut, staff_out

_SLOT_ID = re.compile(r"^([a-z0-9-]+)@(\d{8}T\d{4})Z(?:\.([a-z0-9-]+))?$")
_GARBLED = "That time reference didn't come through right. Let me look the times up again."


class SlotOffer(BaseModel):
    slot_id: str
    start: str
    end: str
    spoken: str
    staff: StaffOut | None = None  # whose slot it is; None: anyone qualified, chosen at booking


@dataclass(frozen=True, slots=True)
class OfferedSlot:
    """A slot id read back: the service, the start, and the person when it was theirs."""

    service: Service
    start: datetime
    member: StaffMember | None


def slot_id(service: Service, start: datetime, member: StaffMember | None = None) -> str:
    """Stateless and short, so any instance can book it and an LLM copies it faithfully:
    ``cleaning@20270315T1400Z``, and ``cleaning@20270315T1400Z.maya`` for one person's."""
    base = f"{service.key}@{start.astimezone(UTC):%Y%m%dT%H%M}Z"
    return base if member is None or member.implicit else f"{base}.{member.id}"


def parse_slot_id(value: str, business: Business) -> OfferedSlot:
    match = _SLOT_ID.match(value.strip())
    service = business.service(match[1]) if match else None
    member = business.member(match[3]) if match and match[3] else None
    if match is None or service is None or (match[3] and member is None):
        raise InvalidArguments(_GARBLED, field="slot_id")
    try:
        start = datetime.strptime(match[2], "%Y%m%dT%H%M").replace(tzinfo=UTC)
        return OfferedSlot(service, start.astimezone(business.timezone), member)
    except (ValueError, OverflowError):  # month 13, or an instant at the calendar's edge
        raise InvalidArguments(_GARBLED, field="slot_id") from None


def offers(search: Search, starts: list[int]) -> list[SlotOffer]:
    business = search.business
    member = search.named
    found = []
    for start in starts:
        begins = to_datetime(start, business.timezone)
        found.append(
            SlotOffer(
                slot_id=slot_id(search.service, begins, member),
                start=begins.isoformat(),
                end=(begins + search.service.duration).isoformat(),
                spoken=speech.moment(begins, search.today) + search.with_whom,
                staff=staff_out(member),
            )
        )
    return found


def choose_service(business: Business, name: str | None) -> Service:
    """The service named; with none named, the only one. Never a silent guess among several."""
    if name is None or not name.strip():
        if len(business.services) > 1:
            raise WhichService(_we_offer(business), field="service")
        return business.services[0]
    service = business.service(name)
    if service is None:
        raise UnknownService(_we_offer(business), field="service")
    return service


def _we_offer(business: Business) -> str:
    return (
        f"We offer {speech.join_or([s.name for s in business.services])}. Which one would you like?"
    )


def choose_staff(business: Business, service: Service, words: str | None) -> StaffMember | None:
    """The person the caller asked for; None for "anyone" (or a business without staff). A
    name we don't know, or someone who doesn't do the service, is refused with who does."""
    if words is None or says_anyone(words) or not business.staff:
        return None
    named = next((m for m in business.staff if m.is_called(words)), None)
    if named is not None and named.does(service):
        return named
    able = [m for m in business.staff if m.does(service)]
    names = speech.join_or([m.name for m in able])
    who = "isn't someone I can book" if named is None else f"doesn't do {service.name}"
    subject = named.name if named is not None else f'"{words}"'
    raise UnknownStaff(
        f"{subject} {who}. For {service.name} I can book {names}, or whoever is free first.",
        field="staff",
        staff=[m.name for m in able],
    )


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
            alternatives=[o.model_dump() for o in offers(search, earliest)],
        )
    if at >= search.horizon:
        return TooFarAhead(
            f"I can only book up to {rules.max_days_ahead} days ahead. "
            "Would a date before then work?"
        )
    nearby = search.nearest(at)
    alternatives = [o.model_dump() for o in offers(search, nearby)]
    if not search.unbusy().offers_start(start):
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
