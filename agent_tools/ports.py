"""What the use cases need from the outside world, as Protocols the edge implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from agent_tools.business import Business
from calendar_adapter.protocol import BusySpan, Calendar


class SlotConflictError(Exception):
    """The store refused a reservation because it overlaps an active appointment."""


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
    calendar_event_id: str | None


class AppointmentStore(Protocol):
    async def blocked(
        self, business_id: str, calendar_id: str, start: datetime, end: datetime
    ) -> list[BusySpan]:
        """Blocked spans (appointment plus buffers, POSIX seconds) of active appointments
        overlapping ``[start, end)``."""
        ...

    async def count_by_day(
        self, business_id: str, calendar_id: str, start: datetime, end: datetime, zone: str
    ) -> dict[date, int]:
        """Active appointments per local date (in IANA ``zone``) starting in ``[start, end)``."""
        ...

    async def reserve(self, booking: Booking) -> Appointment:
        """Insert as ``pending``; raise :class:`SlotConflictError` if it overlaps another."""
        ...

    async def confirm(self, appointment_id: str, calendar_event_id: str) -> Appointment: ...

    async def release(self, appointment_id: str, reason: str) -> None:
        """Cancel a reservation that could not be completed, freeing its time."""
        ...


@dataclass(frozen=True, slots=True)
class CallContext:
    """What Retell tells us about the call a tool runs in; every field may be absent."""

    call_id: str | None = None
    from_number: str | None = None
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Deps:
    """The ports a use case runs against, built once by the app's composition root."""

    business: Business
    calendar: Calendar
    store: AppointmentStore
    clock: Callable[[], datetime]
