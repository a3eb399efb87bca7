"""The edge's mapping of faults to speakable answers."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest

from agent_tools.ports import CallContext, Deps
from app.tool_calls import call_context, run_tool
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import CalendarUnavailableError

CALL = CallContext(call_id="call_1", from_number="+15551230000")


class Down(LocalCalendar):
    async def busy(self, *args: object, **kwargs: object) -> list[tuple[int, int]]:
        raise CalendarUnavailableError("deadline")


async def test_an_unreachable_calendar_is_a_speakable_answer(deps: Deps) -> None:
    down = replace(deps, calendar=Down(Path("/nonexistent/calendar.json")))
    reply = await run_tool("find_slots", {}, CALL, down)
    assert (reply["ok"], reply["error"]) == (False, "calendar_unavailable")
    assert reply["message"].endswith("?")
    booked = await run_tool(
        "book_appointment", {"start": "2027-03-11T09:00", "name": "Ada"}, CALL, down
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


async def test_a_number_booked_the_local_way_is_found_from_caller_id(deps: Deps) -> None:
    """Booked with "(415) 555-0123" on a web call; the caller rings back from +14155550123."""
    booked = await run_tool(
        "book_appointment",
        {"start": "2027-03-11T09:00", "name": "Ada Lovelace", "phone": "(415) 555-0123"},
        call_context({"call_id": "web_1"}, deps.business.country),
        deps,
    )
    assert booked["ok"] is True
    ringing_back = call_context(
        {"call_id": "call_2", "from_number": "+1 415-555-0123"}, deps.business.country
    )
    assert ringing_back.from_number == "+14155550123"
    found = await run_tool("find_appointments", {}, ringing_back, deps)
    assert [a["appointment_id"] for a in found["appointments"]] == [
        booked["appointment"]["appointment_id"]
    ]


async def test_an_impossible_number_is_refused_speakably(deps: Deps) -> None:
    reply = await run_tool(
        "book_appointment",
        {"start": "2027-03-11T09:00", "name": "Ada", "phone": "555-01"},
        CALL,
        deps,
    )
    assert (reply["ok"], reply["error"]) == (False, "invalid_arguments")
    assert reply["message"] == (
        "Sorry, that number doesn't sound complete. Could you say it again, with the area code?"
    )


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("Ada\r\nLovelace", "Ada Lovelace"),
        ("\u202eecalevoL adA", "ecalevoL adA"),
        ("Ada\u2066 Lovelace\u2069\x07", "Ada Lovelace"),
    ],
)
async def test_control_and_bidi_characters_never_reach_the_booking(
    deps: Deps, calendar_path: Path, name: str, stored: str
) -> None:
    booked = await run_tool(
        "book_appointment",
        {"start": "2027-03-11T09:00", "name": name, "notes": "line one\nline two\u200f"},
        CALL,
        deps,
    )
    assert booked["appointment"]["name"] == stored
    text = await asyncio.to_thread(calendar_path.read_text, encoding="utf-8")
    events = json.loads(text)["events"]
    (event,) = events.values()
    assert stored in event["summary"]
    assert not set(event["summary"]) & {"\r", "\n", "\u202e", "\u2066", "\u2069", "\x07"}


async def test_a_name_of_only_control_characters_is_asked_for_again(deps: Deps) -> None:
    reply = await run_tool(
        "book_appointment", {"start": "2027-03-11T09:00", "name": "\u202e\r\n"}, CALL, deps
    )
    assert reply["error"] == "invalid_arguments"
    assert reply["message"] == "May I have your full name for the booking?"
