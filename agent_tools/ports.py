"""What the use cases need from the outside world, as Protocols the edge implements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol, TypeVar

from agent_tools.business import Business
from agent_tools.fairness import Load
from calendar_adapter.protocol import BusySpan, Calendar


class SlotConflictError(Exception):
    """The store refused a time because it overlaps another active appointment."""


class BookingLimitError(Exception):
    """The call (``"call"``) or the contact number (``"phone"``) has reached its limit."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class StoreUnavailableError(Exception):
    """The database could not be reached or answered with a fault."""


@dataclass(frozen=True, slots=True)
class Booking:
    """An appointment to reserve. ``blocked_*`` include the service's buffers."""

    appointment_id: str
    business_id: str
    calendar_id: str
    service: str
    start: datetime
    end: datetime
    blocked_start: datetime
    blocked_end: datetime
    customer_name: str
    customer_phone: str | None
    customer_email: str | None
    notes: str | None
    call_id: str | None
    calendar_event_id: str
    intent_key: str | None = None  # the same call asking for the same slot again
    caller_phone: str | None = None  # caller ID: the only thing that makes a known customer
    zone: str = "UTC"  # the business's IANA zone: its days count towards the limits
    max_per_call: int | None = None
    max_per_phone_per_day: int | None = None
    staff_id: str | None = None  # None: the business calendar of a business without staff
    room_unit: str | None = None  # the shared room unit it takes, if its service needs one
    max_per_day_staff: int | None = None  # the member's own daily cap


@dataclass(frozen=True, slots=True)
class Appointment:
    appointment_id: str
    business_id: str
    calendar_id: str
    service: str
    start: datetime
    end: datetime
    status: str  # pending | booked | cancelled
    customer_name: str
    customer_phone: str | None
    customer_email: str | None
    calendar_event_id: str | None
    calendar_synced: bool
    updated_at: datetime
    notes: str | None = None
    staff_id: str | None = None
    room_unit: str | None = None
    created_at: datetime | None = None
    call_id: str | None = None  # the call that booked it


@dataclass(frozen=True, slots=True)
class Placement:
    """Whose calendar an appointment is in, and which room unit it takes (if any)."""

    calendar_id: str
    staff_id: str | None
    room_unit: str | None = None


@dataclass(frozen=True, slots=True)
class Occupancy:
    """Our own active appointments' blocked spans, per calendar id and per room unit; every
    calendar and unit asked for has an entry."""

    calendars: dict[str, list[BusySpan]]
    rooms: dict[str, list[BusySpan]]


@dataclass(frozen=True, slots=True)
class Reservation:
    outcome: Literal["created", "existing"]  # "existing": this intent was reserved before
    appointment: Appointment


@dataclass(frozen=True, slots=True)
class Owner:
    """Who is asking: the number calling (caller ID), and what they told us."""

    verified_phone: str | None
    phone: str | None = None
    email: str | None = None
    name_key: str | None = None  # see agent_tools.ownership.name_key


class AppointmentStore(Protocol):
    async def occupancy(
        self,
        business_id: str,
        calendar_ids: Sequence[str],
        room_units: Sequence[str],
        start: datetime,
        end: datetime,
        *,
        except_id: str | None = None,
    ) -> Occupancy:
        """Blocked spans (appointment plus buffers) of active appointments overlapping
        ``[start, end)`` on each calendar and room unit, leaving out ``except_id``; one round
        trip."""
        ...

    async def count_by_day(
        self,
        business_id: str,
        calendar_ids: Sequence[str],
        start: datetime,
        end: datetime,
        zone: str,
        *,
        except_id: str | None = None,
    ) -> dict[str, dict[date, int]]:
        """Active appointments per calendar and local date (in IANA ``zone``) starting in
        ``[start, end)``."""
        ...

    async def staff_load(
        self, business_id: str, calendar_ids: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, Load]:
        """Booked minutes starting in ``[start, end)`` and the last assignment, per calendar."""
        ...

    async def reserve(self, booking: Booking) -> Reservation:
        """Insert as ``pending``; :class:`SlotConflictError` if it overlaps another,
        :class:`BookingLimitError` past the booking's limits."""
        ...

    async def by_intent(self, business_id: str, intent_key: str) -> Appointment | None:
        """The active appointment of this booking intent, if any."""
        ...

    async def confirm(self, appointment_id: str) -> Appointment | None:
        """pending -> booked; None when it is no longer pending."""
        ...

    async def release(self, appointment_id: str, reason: str, *, calendar_clean: bool) -> None:
        """pending -> cancelled; ``calendar_clean`` says no calendar event can exist."""
        ...

    async def get(self, appointment_id: str) -> Appointment | None: ...

    async def find_owned(
        self, business_id: str, owner: Owner, after: datetime, appointment_id: str | None = None
    ) -> list[Appointment]:
        """Booked appointments ending after ``after`` that belong to ``owner``."""
        ...

    async def move(
        self,
        appointment_id: str,
        start: datetime,
        end: datetime,
        blocked: tuple[datetime, datetime],
        *,
        calendar_clean: bool,
        place: Placement | None = None,
    ) -> Appointment | None:
        """Move a booked appointment atomically, to ``place`` when given (another person's
        calendar, another room unit); :class:`SlotConflictError` if the new time is taken there
        (the old one is then kept); None if it is not booked."""
        ...

    async def cancel(
        self, appointment_id: str, reason: str, *, calendar_clean: bool
    ) -> Appointment | None:
        """booked -> cancelled; None when it was not booked."""
        ...

    async def mark_unsynced(self, appointment_id: str) -> None:
        """The calendar is about to change: until marked synced, the reconciler owns it."""
        ...

    async def mark_synced(self, appointment: Appointment) -> bool:
        """The calendar matches ``appointment``, unless the row changed since it was read."""
        ...

    async def claim_unsettled(
        self, business_id: str, grace_seconds: int, limit: int
    ) -> list[Appointment]:
        """Rows pending or out of step with the calendar for longer than the grace, leased to
        the caller for another grace period."""
        ...


@dataclass(frozen=True, slots=True)
class CallContext:
    """What Retell tells us about the call a tool runs in; every field may be absent."""

    call_id: str | None = None
    from_number: str | None = None  # E.164: read at the edge (app.tool_calls.call_context)
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A message a caller left for the team."""

    message_id: str
    business_id: str
    call_id: str | None
    name: str
    phone: str
    body: str
    callback_start: datetime | None
    callback_end: datetime | None
    callback_phrase: str | None
    urgent: bool
    taken_at: datetime


class MessageDesk(Protocol):
    async def take(self, message: Message, business: Business) -> Message:
        """Keep the message and, in the same transaction, the sends that tell the business;
        a message kept before under the same id is returned as it was."""
        ...


class NoMessageDesk:
    """Where messages cannot be kept (no database the desk can use): say so, keep nothing."""

    async def take(self, message: Message, business: Business) -> Message:
        raise StoreUnavailableError("no message desk")


T = TypeVar("T")


class Memo(Protocol):
    """Answers kept while what they were computed from is unchanged, for seconds at most
    (never as long as a day: agent_tools/busy.py relies on it). ``key`` must name every input
    of ``compute`` but the business's data (which the memo itself watches) and what ``holds``
    checks: with ``holds``, a kept answer is served only where ``holds(answer)`` is true (an
    answer that says for itself how long it stays right: agent_tools/find_slots.py)."""

    async def recall(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        holds: Callable[[T], bool] | None = None,
    ) -> T: ...

    def last(self, key: Hashable) -> object | None:
        """The answer last kept under ``key``, whatever its version or age: only for reusing
        the parts of it whose inputs are the very same objects (agent_tools/busy.py)."""
        ...


class NoMemo:
    """Nothing kept: every answer is computed (a calendar whose changes we cannot see)."""

    async def recall(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        holds: Callable[[T], bool] | None = None,
    ) -> T:
        return await compute()

    def last(self, key: Hashable) -> object | None:
        return None


@dataclass(frozen=True, slots=True)
class Deps:
    """The ports a use case runs against, built once by the app's composition root."""

    business: Business
    calendar: Calendar
    store: AppointmentStore
    clock: Callable[[], datetime]
    messages: MessageDesk = field(default_factory=NoMessageDesk)
    memo: Memo = field(default_factory=NoMemo)
