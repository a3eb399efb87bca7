"""find_slots: the bookable times a caller can choose from."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from pydantic import BaseModel, ConfigDict, Field

from agent_tools.arguments import TimeText
from agent_tools.availability import spread, utc_seconds
from agent_tools.business import Business, Service
from agent_tools.busy import open_search
from agent_tools.errors import NoAvailability, TooFarAhead, TooSoon
from agent_tools.minute import Minute
from agent_tools.offers import SlotOffer, choose_service, choose_staff, offers
from agent_tools.ports import CallContext, Deps
from agent_tools.search import Search
from agent_tools.staff import StaffMember
from agent_tools.views import StaffOut, staff_out
from agent_tools.when import NeedsTheTime, Window, resolve_when, resolve_when_on


class FindSlotsArgs(BaseModel):
    """Find open appointment times. Call it before booking, and again after a slot_taken."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    when: TimeText | None = Field(
        default=None,
        max_length=200,
        description="When the caller wants to come, in the caller's words or ISO 8601: "
        "'tomorrow morning', 'next Tuesday after lunch', 'March 20 between 1 and 3', "
        "'this weekend', '2027-03-15', '2027-03-15T14:00'. Local to the business. "
        "Leave empty for the earliest availability.",
    )
    service: str | None = Field(
        default=None, max_length=100, description="The service by name. Default: the first one."
    )
    staff: str | None = Field(
        default=None,
        max_length=100,
        description="The person the caller wants to see, in their words ('Dr. Patel', 'Maya'). "
        "Leave empty, or 'anyone', when they have no preference.",
    )
    limit: int = Field(default=3, ge=1, le=10, description="How many options to offer (1-10).")


class WindowOut(BaseModel):
    start: str
    end: str


class FindSlotsReply(BaseModel):
    ok: bool = True
    message: str
    service: str
    staff: StaffOut | None = None  # the person asked for; None: anyone qualified
    slots: list[SlotOffer]
    window: WindowOut | None = None
    alternatives: list[SlotOffer] = Field(default_factory=list)


def _starts(search: Search, window: Window | None, low: int, high: int) -> Iterable[int]:
    """Open starts in the window: in each of its spans ("Monday or Tuesday"), earliest first;
    within a stated window ("between 1 and 3") only appointments that also end by its end."""
    if window is None:
        return search.starts(low, high)
    return heapq.merge(
        *(
            search.starts(
                utc_seconds(span.start), utc_seconds(span.end), span.daily, ends_by=span.ends_by
            )
            for span in window.parts
        )
    )


@dataclass(frozen=True, slots=True)
class Question:
    """What one search asks, in the minute it is asked (agent_tools/minute.py). Its answer is
    the same all day at the same data version while no time it offers has come within the
    notice (and, asked for a window, the window has not), so the app may keep it that long:
    the key names the day, and :meth:`Answer.holds` the rest."""

    service: Service
    named: StaffMember | None
    window: Window | None
    limit: int
    minute: Minute
    today: date

    @property
    def key(self) -> tuple[object, ...]:
        return (
            "find_slots",
            self.service.name,
            self.named.id if self.named is not None else None,
            self.window.key if self.window is not None else None,
            self.limit,
            self.today.toordinal(),
        )


@dataclass(frozen=True, slots=True)
class Answer:
    """A search's reply, and the latest notice start it is right for: none of its times (the
    earliest first) is sooner than that, nor the window's end. A search filters its times by the
    notice start and by nothing else that moves within a day (the day and the horizon are the
    date's), so a later minute of the same day whose notice start is at most that gets the very
    same reply (tests/agent_tools/test_search_validity.py)."""

    reply: FindSlotsReply
    last_not_before: int

    def holds(self, not_before: int) -> bool:
        return not_before <= self.last_not_before


async def find_slots(args: FindSlotsArgs, call: CallContext, deps: Deps) -> FindSlotsReply:
    business = deps.business
    service = choose_service(business, args.service)
    named = choose_staff(business, service, args.staff)
    now = deps.clock()
    window = await _window(deps, args.when, Minute.of(call.started_at or now).start)
    minute = Minute.of(now)
    question = Question(service, named, window, args.limit, minute, business.today(minute.start))
    not_before = minute.not_before(business.rules.min_notice)
    answer = await deps.memo.recall(
        question.key, partial(_answer, deps, question), lambda kept: kept.holds(not_before)
    )
    return answer.reply


async def _window(deps: Deps, text: str | None, heard: datetime) -> Window | None:
    """The words read to the minute they were heard in; kept for the whole day when their
    meaning does not depend on the time of day (most: "tomorrow morning", "next Tuesday")."""
    business = deps.business
    day = business.today(heard)
    for_the_day = await deps.memo.recall(
        ("when", text, day.toordinal()), partial(_read_on, text, day, business)
    )
    if for_the_day is not None:
        return for_the_day[0]
    return await deps.memo.recall(
        ("when", text, heard.timestamp()), partial(_read, text, heard, business)
    )


async def _read_on(text: str | None, day: date, business: Business) -> tuple[Window | None] | None:
    """The words' window on any minute of ``day``, or None when it depends on which."""
    try:
        return (resolve_when_on(text, day, business),)
    except NeedsTheTime:
        return None


async def _read(text: str | None, heard: datetime, business: Business) -> Window | None:
    return resolve_when(text, heard, business)


async def _answer(deps: Deps, question: Question) -> Answer:
    business = deps.business
    service, named, window, minute = (
        question.service,
        question.named,
        question.window,
        question.minute,
    )
    search = await open_search(deps, service, minute.start, named=named, slack=minute.slack)

    window_out = None
    low, high = search.not_before, search.horizon
    if window is not None:
        window_out = WindowOut(start=window.start.isoformat(), end=window.end.isoformat())
        low, high = utc_seconds(window.start), utc_seconds(window.end)
        if high <= search.not_before:
            earliest = search.nearest(search.not_before, 1)
            raise TooSoon(
                "That time has already passed or is too soon to book."
                + (f" The earliest I have is {search.say(earliest)}." if earliest else ""),
                alternatives=[o.model_dump() for o in offers(search, earliest)],
            )
        if low >= search.horizon:
            raise TooFarAhead(
                f"I can only book up to {business.rules.max_days_ahead} days ahead. "
                "Would a date before then work?"
            )

    starts = spread(_starts(search, window, low, high), question.limit, business.timezone)
    # The reply stays right while the notice start has not passed its earliest time, nor the
    # window's end (past which the search says "too soon").
    last = high - 1 if window is not None else search.horizon
    if starts:
        reply = FindSlotsReply(
            message=f"I have {search.say(starts)}. Which would you like?",
            service=service.name,
            staff=staff_out(named),
            slots=offers(search, starts),
            window=window_out,
        )
        return Answer(reply, min(last, starts[0]))
    nearby = search.nearest(low, question.limit)
    if not nearby:
        raise NoAvailability(
            f"I'm sorry, there's no opening for {service.name}{search.with_whom} in the next "
            f"{business.rules.max_days_ahead} days. Can I take a message for the team instead?"
        )
    phrase = window.phrase if window is not None else "then"
    reply = FindSlotsReply(
        message=f"I don't have anything open {phrase}. The nearest openings are "
        f"{search.say(nearby)}. Would one of those work?",
        service=service.name,
        staff=staff_out(named),
        slots=[],
        window=window_out,
        alternatives=offers(search, nearby),
    )
    return Answer(reply, min(last, nearby[0]))
