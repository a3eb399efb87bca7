"""The domain's failures: each carries a stable code and a sentence the agent can say aloud.

The edge maps every :class:`ToolError` to HTTP 200 with ``ok: false``: these are outcomes the
agent can explain and recover from, not faults of the server.
"""

from __future__ import annotations

from typing import Any


class ToolError(Exception):
    """A recoverable outcome of a tool call, spoken to the caller."""

    code = "tool_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidArguments(ToolError):
    code = "invalid_arguments"


class UnknownTool(ToolError):
    code = "unknown_tool"


class UnknownService(ToolError):
    code = "unknown_service"


class UnclearTime(ToolError):
    code = "unclear_time"


class NoAvailability(ToolError):
    code = "no_availability"


class SlotTaken(ToolError):
    code = "slot_taken"


class OutsideHours(ToolError):
    code = "outside_hours"


class TooSoon(ToolError):
    code = "too_soon"


class TooFarAhead(ToolError):
    code = "too_far_ahead"


class CalendarUnavailable(ToolError):
    code = "calendar_unavailable"


class NotFound(ToolError):
    code = "not_found"


class InProgress(ToolError):
    """The same request is still being worked on (a retry arrived before the first ended)."""

    code = "in_progress"


class TemporarilyUnavailable(ToolError):
    """Our own database or cache failed; nothing was changed, and a retry is safe."""

    code = "temporarily_unavailable"


class UnknownStaff(ToolError):
    """The caller named a person the business doesn't have (or who doesn't do the service)."""

    code = "unknown_staff"


class WhichService(ToolError):
    """Several services and none named: the caller must choose."""

    code = "which_service"


class BookingLimit(ToolError):
    """This call or this phone number already has as many bookings as allowed."""

    code = "booking_limit"


# Outcomes that say "try again": never replayed from the idempotency record.
TRANSIENT_CODES = frozenset(
    {CalendarUnavailable.code, InProgress.code, TemporarilyUnavailable.code}
)

# Outcomes true only at the moment they were given (the slot may free, time moves on): a
# repeat must be answered afresh, never with the kept reply.
MOMENTARY_CODES = frozenset(
    {SlotTaken.code, TooSoon.code, TooFarAhead.code, NoAvailability.code, BookingLimit.code}
)


class ConfigError(ValueError):
    """The business configuration is invalid; the message names the offending key."""


class SpokenValueError(ValueError):
    """An argument refused with a sentence the agent can say (raised inside argument models;
    the edge answers ``invalid_arguments`` with this message)."""
