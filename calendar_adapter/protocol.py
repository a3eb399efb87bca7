"""The one port every calendar backend implements (local file now, Google Calendar next)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# Busy time as (start, end) POSIX seconds, end exclusive. A busy calendar yields thousands of
# spans per search; converting that many aware datetimes costs more than the search itself.
BusySpan = tuple[int, int]
# Busy time per calendar id: every calendar asked for has an entry (empty when free).
BusyByCalendar = dict[str, list[BusySpan]]


def all_spans(busy: BusyByCalendar) -> list[BusySpan]:
    return [span for spans in busy.values() for span in spans]


class CalendarUnavailableError(Exception):
    """The calendar could not be read or written in time; the caller should try again."""


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to create. ``event_id`` is chosen by us and derived from the appointment, so a
    retried create can never make a second event."""

    event_id: str
    start: datetime
    end: datetime
    summary: str
    description: str
    appointment_id: str


class Calendar(Protocol):
    async def busy(
        self, calendar_ids: Sequence[str], start: datetime, end: datetime, *, live: bool = False
    ) -> BusyByCalendar:
        """Busy spans overlapping ``[start, end)`` of each given calendar, in one request to the
        provider however many calendars are asked for. ``live`` asks the calendar itself rather
        than any local copy (a booking's last check)."""
        ...

    async def create_event(self, calendar_id: str, event: NewEvent) -> None:
        """Create the event; creating an id that already exists is a success."""
        ...

    async def move_event(
        self, calendar_id: str, event_id: str, start: datetime, end: datetime
    ) -> None:
        """Give the event new times; LookupError if it does not exist."""
        ...

    async def delete_event(self, calendar_id: str, event_id: str) -> None:
        """Delete the event; deleting one that is already gone is a success."""
        ...

    async def event_times(
        self, calendar_id: str, event_id: str
    ) -> tuple[datetime, datetime] | None:
        """The event's start and end, or None if it does not exist (or was deleted)."""
        ...

    async def aclose(self) -> None: ...
