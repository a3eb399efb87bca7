"""A business's booking rules as plain, immutable values (what it offers, when it is open).

Reading and validating the TOML that describes one is the edge's job (app/business_config.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent_tools.basics import OpenRange, loose, slugify
from agent_tools.handoff import Handoff
from agent_tools.phrases import END, Conventions
from agent_tools.staff import Room, StaffMember

__all__ = ["END_OF_DAY", "WEEKDAYS", "Business", "OpenRange", "Service", "loose", "slugify"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
END_OF_DAY = END  # "24:00" in config: open until midnight


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    key: str
    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    price: str | None = None  # as said: "$120", "from £45"
    description: str | None = None
    aliases: tuple[str, ...] = ()

    def is_called(self, words: str) -> bool:
        """Whether ``words`` name this service: its name or an alias, ignoring case, accents,
        punctuation and a plural ("mens cut" = "Men's cut"), or its key ("mens-cut")."""
        wanted = loose(words)
        return slugify(words) == self.key or any(
            loose(name) == wanted for name in (self.name, *self.aliases)
        )

    def blocked(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        """The span an appointment from ``start`` to ``end`` keeps busy, buffers included."""
        return start - self.buffer_before, end + self.buffer_after


@dataclass(frozen=True, slots=True)
class Faq:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class BookingRules:
    slot_interval: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(minutes=60)
    max_days_ahead: int = 60
    max_per_day: int | None = None
    max_per_call: int = 2  # active bookings one call may make
    max_per_phone_per_day: int = 3  # active bookings under one contact number on one day


@dataclass(frozen=True, slots=True)
class Contact:
    """How callers find and reach the business; every part optional."""

    address: str | None = None
    phone: str | None = None  # E.164
    website: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """Where the business's other systems hear of every change, and the environment variable
    holding the secret that signs what is sent (never the secret itself)."""

    url: str
    secret_env: str = "FRONTDESK_WEBHOOK_SECRET"  # noqa: S105 - a variable's name, not a secret


@dataclass(frozen=True, slots=True)
class Notify:
    """Who hears of what, by text or email: the owner of each message, the caller of their
    booking."""

    owner_phone: str | None = None  # E.164
    sms_confirmations: bool = False
    reminder_hours: tuple[int, ...] = ()  # texted this many elapsed hours before each visit
    owner_email: str | None = None
    email_confirmations: bool = False  # when the caller gave an email: with an .ics file
    owner_booking_texts: bool = False  # the owner is texted each booking, move, cancellation


@dataclass(frozen=True, slots=True)
class Business:
    id: str
    name: str
    timezone: ZoneInfo
    weekly_hours: Mapping[int, tuple[OpenRange, ...]]
    services: tuple[Service, ...]
    rules: BookingRules = field(default_factory=BookingRules)
    closures: frozenset[date] = frozenset()
    special_hours: Mapping[date, tuple[OpenRange, ...]] = field(default_factory=dict)
    calendar_id: str = "primary"
    # Every calendar whose events make the business busy (bookings go to ``calendar_id``).
    extra_busy_calendars: tuple[str, ...] = ()
    conventions: Conventions = field(default_factory=Conventions)
    country: str | None = None  # ISO 3166 alpha-2: reads phone numbers said without "+"
    contact: Contact = field(default_factory=Contact)
    faqs: tuple[Faq, ...] = ()
    staff: tuple[StaffMember, ...] = ()  # empty: the business calendar is the one member
    rooms: tuple[Room, ...] = ()
    webhook: WebhookTarget | None = None
    handoff: Handoff | None = None  # where a caller asking for a person is transferred
    notify: Notify = field(default_factory=Notify)

    @property
    def team(self) -> tuple[StaffMember, ...]:
        """Who sees callers: the configured staff, else the business calendar standing in."""
        if self.staff:
            return self.staff
        return (StaffMember("", self.name, self.calendar_id, implicit=True),)

    @property
    def has_several_staff(self) -> bool:
        """Whether replies name the person ("with Maya")."""
        return len(self.staff) > 1

    @property
    def booking_calendar_ids(self) -> list[str]:
        """The calendars appointments are written to: one per member."""
        return [member.calendar_id for member in self.team]

    @property
    def busy_calendar_ids(self) -> list[str]:
        """Every calendar sync follows: the members' and the extra busy ones."""
        ids = [*self.booking_calendar_ids, *self.extra_busy_calendars]
        return list(dict.fromkeys(ids))

    def member(self, staff_id: str | None) -> StaffMember | None:
        """The member an appointment belongs to (None: the implicit one, for no staff)."""
        return next((m for m in self.team if m.id == (staff_id or "")), None)

    def transfers_at(self, now: datetime) -> bool:
        """Whether a caller can be handed to a person at the instant ``now``: a transfer
        number is set and someone answers it then (its hours, else the business's)."""
        if self.handoff is None:
            return False
        local = now.astimezone(self.timezone)
        return self.handoff.answered_at(local, self.hours_on(local.date()))

    def room_for(self, service: Service) -> Room | None:
        return next((room for room in self.rooms if room.needed_for(service)), None)

    def staff_hours_on(self, member: StaffMember, day: date) -> tuple[OpenRange, ...]:
        """A member's openings on a local date; closures and special hours bind everyone."""
        if day in self.closures:
            return ()
        return member.hours_on(day, self.hours_on(day), special=day in self.special_hours)

    def opening_span(self, day: date) -> tuple[time, time] | None:
        """From the first opening to the last closing of ``day``; for a closed day, the
        widest span of a usual week (so "at 3" still reads as 3 PM on a Sunday)."""
        ranges = self.hours_on(day) or tuple(r for rs in self.weekly_hours.values() for r in rs)
        if not ranges:
            return None
        return min(r.start for r in ranges), max(r.end for r in ranges)

    def hours_on(self, day: date) -> tuple[OpenRange, ...]:
        """Opening ranges for a local date: a closure, else special hours, else the week
        (the config refuses a date that is both a closure and special hours)."""
        if day in self.closures:
            return ()
        special = self.special_hours.get(day)
        if special is not None:
            return special
        return self.weekly_hours.get(day.weekday(), ())

    def booked_service(self, name: str, length: timedelta) -> Service:
        """The service an appointment was booked for; one no longer in the config keeps the
        appointment's own length, without buffers."""
        return self.service(name) or Service(name, "", length)

    def today(self, now: datetime) -> date:
        """The business's date at the instant ``now``."""
        return now.astimezone(self.timezone).date()

    def horizon(self, today: date) -> datetime:
        """Where booking ahead stops: the end of the ``max_days_ahead``-th day after ``today``
        (whole days, so every search of a day has the same last bookable day)."""
        after = datetime.combine(today + timedelta(days=self.rules.max_days_ahead + 1), time(0))
        return after.replace(tzinfo=self.timezone).astimezone(self.timezone)  # past a DST gap

    def service(self, name: str | None) -> Service | None:
        """The service ``name`` speaks of (see :meth:`Service.is_called`); the first when None."""
        if name is None or not name.strip():
            return self.services[0]
        return next((s for s in self.services if s.is_called(name)), None)
