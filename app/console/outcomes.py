"""What became of a call, in one word an owner reads: from its tool calls and how it ended."""

from __future__ import annotations

from collections.abc import Sequence

# The first that applies, in this order.
_DONE = (
    ("book_appointment", "booked"),
    ("reschedule_appointment", "rescheduled"),
    ("cancel_appointment", "cancelled"),
    ("take_message", "message taken"),
)


def call_outcome(tools: Sequence[Sequence[str]], disconnection_reason: str | None) -> str:
    """``tools``: (tool, outcome) in order. booked, rescheduled, cancelled, message taken,
    transferred, no time found (searched, booked nothing), unclear (a time it could not read),
    or abandoned (nothing done)."""
    succeeded = {tool for tool, outcome in tools if outcome == "ok"}
    for tool, word in _DONE:
        if tool in succeeded:
            return word
    if disconnection_reason and "transfer" in disconnection_reason:
        return "transferred"
    outcomes = {outcome for _, outcome in tools}
    if "unclear_time" in outcomes:
        return "unclear"
    if any(tool == "find_slots" for tool, _ in tools):
        return "no time found"
    return "abandoned"
