"""The edge's mapping of faults to speakable answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from agent_tools.ports import CallContext, Deps
from app.idempotency.guard import IdempotencyGuard
from app.idempotency.memory import MemoryTier
from app.tool_calls import answer, call_context, run_tool
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import CalendarUnavailableError

CALL = CallContext(call_id="call_1", from_number="+15551230000")


class Down(LocalCalendar):
    async def busy(self, *args: object, **kwargs: object) -> list[tuple[int, int]]:
        raise CalendarUnavailableError("deadline")


async def test_an_unreachable_calendar_is_a_speakable_answer(deps: Deps) -> None:
    down = replace(deps, calendar=Down(Path("/nonexistent/calendar.json")))
    reply = await run_tool(
        "find_slots",
        {
            "service": "Cleaning",
        },
        CALL,
        down,
    )
    assert (reply["ok"], reply["error"]) == (False, "calendar_unavailable")
    assert reply["message"].endswith("?")
    booked = await run_tool(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "Ada"},
        CALL,
        down,
    )
    assert booked["error"] == "calendar_unavailable"


async def test_text_postgres_cannot_store_is_refused_speakably(deps: Deps) -> None:
    """Found by schemathesis: a NUL byte or a lone surrogate used to reach Postgres (500)."""
    for bad in ("\x00\x04*-", "\ud998x"):
        reply = await run_tool(
            "reschedule_appointment", {"appointment_id": bad, "start": "tomorrow at 9"}, CALL, deps
        )
        assert (reply["ok"], reply["error"]) == (False, "invalid_arguments")
    reply = await run_tool("find_appointments", {}, call_context({"call_id": "\x00"}), deps)
    assert reply["ok"] is True


async def test_a_slot_taken_is_answered_afresh_once_the_slot_frees(deps: Deps) -> None:
    """ "Taken" is true only at that moment: the same request in the same call, repeated after
    the slot freed, books it instead of replaying the refusal."""
    guard = IdempotencyGuard(MemoryTier(60, 10), None, 1)
    args = {"start": "2027-03-11T09:00", "name": "Ada", "service": "Cleaning"}
    other = CallContext(call_id="call_2", from_number="+15551239999")
    first = await answer("book_appointment", dict(args, name="Bob"), other, deps, guard=guard)
    taken = await answer("book_appointment", args, CALL, deps, guard=guard)
    assert taken[1]["error"] == "slot_taken"
    cancelled = await deps.store.cancel(
        first[1]["appointment"]["appointment_id"], "caller", calendar_clean=True
    )
    assert cancelled is not None and cancelled.calendar_event_id is not None
    await deps.calendar.delete_event(deps.business.calendar_id, cancelled.calendar_event_id)
    status, body = await answer("book_appointment", args, CALL, deps, guard=guard)
    assert (status, body["ok"], body["appointment"]["name"]) == (200, True, "Ada")
