"""The edge's mapping of faults to speakable answers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from agent_tools.ports import CallContext, Deps
from app.db.appointments import PostgresAppointmentStore
from app.db.calendar_mirror import PostgresMirror
from app.idempotency.guard import IdempotencyGuard
from app.idempotency.memory import MemoryTier
from app.idempotency.records import PostgresRecords
from app.logging import configure_logging
from app.tool_calls import answer, call_context, run_tool
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import CalendarUnavailableError
from tests.fakes.google_calendar import FakeGoogle

CALL = CallContext(call_id="call_1", from_number="+15551230000")
CAL = "faults@group.calendar.google.com"


class Down(LocalCalendar):
    async def busy(self, *args: object, **kwargs: object) -> dict[str, list[tuple[int, int]]]:
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


async def test_a_number_booked_the_local_way_is_found_from_caller_id(deps: Deps) -> None:
    """Booked with "(415) 555-0123" on a web call; the caller rings back from +14155550123."""
    booked = await run_tool(
        "book_appointment",
        {
            "service": "Cleaning",
            "start": "2027-03-11T09:00",
            "name": "Ada Lovelace",
            "phone": "(415) 555-0123",
        },
        call_context({"call_id": "web_1"}, deps.business.country),
        deps,
    )
    assert booked["ok"] is True
    ringing_back = call_context(
        {"call_id": "call_2", "from_number": "+1 415-555-0123"}, deps.business.country
    )
    assert ringing_back.from_number == "+14155550123"
    # A number typed on a web call is contact information, not identity: the caller ID alone
    # does not find it, the name with the number said another way does.
    assert (await run_tool("find_appointments", {}, ringing_back, deps))["appointments"] == []
    by_name = {"name": "ada lovelace", "phone": "415 555 0123"}
    found = await run_tool("find_appointments", by_name, ringing_back, deps)
    assert [a["appointment_id"] for a in found["appointments"]] == [
        booked["appointment"]["appointment_id"]
    ]


async def test_an_impossible_number_is_refused_speakably(deps: Deps) -> None:
    reply = await run_tool(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "Ada", "phone": "555-01"},
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
        {
            "service": "Cleaning",
            "start": "2027-03-11T09:00",
            "name": name,
            "notes": "line one\nline two\u200f",
        },
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
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "\u202e\r\n"},
        CALL,
        deps,
    )
    assert reply["error"] == "invalid_arguments"
    assert reply["message"] == "May I have your full name for the booking?"


# -- dependencies failing mid-life ---------------------------------------------------------


@pytest.fixture
async def refusing_pool() -> AsyncIterator[asyncpg.Pool]:
    """A pool to a Postgres that refuses connections (a closed port), as after a crash."""
    dead = await asyncpg.create_pool(
        f"postgresql://postgres@127.0.0.1:{closed_port()}/test", min_size=0
    )
    yield dead
    await dead.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def booked_call(call_id: str) -> dict[str, Any]:
    return {"call_id": call_id, "from_number": "+15551230000"}


TOOL_ARGS: list[tuple[str, dict[str, Any]]] = [
    ("find_slots", {"service": "Cleaning", "when": "tomorrow"}),
    (
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "Ada Lovelace"},
    ),
    ("find_appointments", {}),
    ("cancel_appointment", {"appointment_id": "apt_x"}),
]


@pytest.mark.parametrize(("tool", "args"), TOOL_ARGS)
async def test_a_database_refusing_connections_is_a_speakable_answer(
    deps: Deps,
    clean_pool: asyncpg.Pool,
    refusing_pool: asyncpg.Pool,
    tool: str,
    args: dict[str, Any],
) -> None:
    down = replace(deps, store=PostgresAppointmentStore(refusing_pool))
    guard = IdempotencyGuard(MemoryTier(60, 10), PostgresRecords(refusing_pool), 0.5)
    status, reply = await answer(
        tool, args, call_context(booked_call("call_db_down")), down, guard=guard
    )
    assert (status, reply["ok"], reply["error"]) == (200, False, "temporarily_unavailable")
    # Nothing is kept as in flight: with the database back, the same call runs for real.
    healthy = IdempotencyGuard(guard.fast, PostgresRecords(clean_pool), 0.5)
    _, again = await answer(
        tool, args, call_context(booked_call("call_db_down")), deps, guard=healthy
    )
    assert again.get("error") != "temporarily_unavailable"


async def test_the_mirror_refusing_connections_is_a_speakable_answer(
    deps: Deps, refusing_pool: asyncpg.Pool, google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.events[CAL] = {}
    google.mirror = PostgresMirror(refusing_pool, deps.business.id, fresh_seconds=60)
    down = replace(deps, calendar=google, business=replace(deps.business, calendar_id=CAL))
    reply = await run_tool("find_slots", {"service": "Cleaning", "when": "tomorrow"}, CALL, down)
    assert reply["error"] == "temporarily_unavailable"


@pytest.mark.parametrize("status", [500, 503, 401])
async def test_a_failing_token_endpoint_is_calendar_unavailable(
    deps: Deps, google: GoogleCalendar, fake_google: FakeGoogle, status: int
) -> None:
    fake_google.events[CAL] = {}
    fake_google.fail("token", *[status] * 6)
    here = replace(deps, calendar=google, business=replace(deps.business, calendar_id=CAL))
    for tool, args in TOOL_ARGS[:2]:
        reply = await run_tool(tool, args, CALL, here)
        assert (reply["ok"], reply["error"]) == (False, "calendar_unavailable"), tool
    assert "insert" not in [route for route, _ in fake_google.requests]


async def test_an_unexpected_fault_is_logged_with_its_traceback_and_answered(
    deps: Deps, capsys: pytest.CaptureFixture[str]
) -> None:
    class Broken(LocalCalendar):
        async def busy(self, *args: object, **kwargs: object) -> dict[str, list[tuple[int, int]]]:
            raise KeyError("+15551239876")

    configure_logging("json", "info")
    broken = replace(deps, calendar=Broken(Path("/nonexistent/calendar.json")))
    reply = await run_tool(
        "find_slots",
        {
            "service": "Cleaning",
        },
        CALL,
        broken,
    )
    assert (reply["ok"], reply["error"]) == (False, "temporarily_unavailable")
    failed = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if "tool.failed" in line
    ]
    assert failed[0]["level"] == "error"
    assert "Traceback" in failed[0]["exception"] and "KeyError" in failed[0]["exception"]
    assert "+15551239876" not in failed[0]["exception"]  # redacted: "********76"


async def test_a_local_calendar_that_cannot_be_written_is_calendar_unavailable(
    deps: Deps, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the calendar's folder should be")
    here = replace(deps, calendar=LocalCalendar(blocked / "calendar.json"))
    reply = await run_tool(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "Ada Lovelace"},
        CALL,
        here,
    )
    assert (reply["ok"], reply["error"]) == (False, "calendar_unavailable")


async def test_a_corrupt_local_calendar_file_is_calendar_unavailable(
    deps: Deps, tmp_path: Path
) -> None:
    corrupt = tmp_path / "calendar.json"
    corrupt.write_text('{"events": {"primary/x": {"start": ')
    here = replace(deps, calendar=LocalCalendar(corrupt))
    reply = await run_tool(
        "find_slots",
        {
            "service": "Cleaning",
        },
        CALL,
        here,
    )
    assert (reply["ok"], reply["error"]) == (False, "calendar_unavailable")


def tool_lines(captured: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.splitlines() if '"tool.call"' in line]


async def test_every_tool_call_log_line_says_enough_to_trace_a_complaint(
    deps: Deps, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "info")
    found = await run_tool(
        "find_slots", {"service": "Cleaning", "when": "tomorrow", "limit": 2}, CALL, deps
    )
    booked = await run_tool(
        "book_appointment", {"slot_id": found["slots"][0]["slot_id"], "name": "Ada"}, CALL, deps
    )
    stranger = CallContext(call_id="call_2", from_number="+15550001111")
    await run_tool("find_appointments", {}, stranger, deps)
    search, book, lookup = tool_lines(capsys.readouterr().err)
    assert (search["outcome"], search["results"], search["service"]) == ("ok", 2, "Cleaning")
    appointment = booked["appointment"]
    assert (book["appointment_id"], book["service"], book["start"]) == (
        appointment["appointment_id"],
        appointment["service"],
        appointment["start"],
    )
    assert book["phone"] == "*********00"  # masked: the last two digits only
    assert (lookup["outcome"], lookup["results"], lookup["phone"]) == (
        "none_found",
        0,
        "*********11",
    )


async def test_a_refused_booking_logs_what_was_asked_for_and_no_name(
    deps: Deps, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "info")
    args = {"start": "2027-03-11T03:00", "service": "cleaning", "name": "Ada Lovelace"}
    reply = await run_tool("book_appointment", args, CALL, deps)
    assert reply["error"] == "outside_hours"
    (line,) = tool_lines(capsys.readouterr().err)
    assert (line["outcome"], line["start"], line["service"]) == (
        "outside_hours",
        "2027-03-11T03:00",
        "cleaning",
    )
    assert "Lovelace" not in json.dumps(line)


class KeepsNothing(PostgresRecords):
    """A database that answers lookups but fails as the reply is being kept."""

    async def keep(self, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        raise ConnectionRefusedError("gone")


async def test_a_reply_that_could_not_be_kept_is_still_given_and_replayed_from_the_cache(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    guard = IdempotencyGuard(MemoryTier(60, 10), KeepsNothing(clean_pool), 0.5)
    args = {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "Ada Lovelace"}
    context = call_context(booked_call("call_keep_fails"))
    status, first = await answer("book_appointment", args, context, deps, guard=guard)
    assert (status, first["ok"]) == (200, True)
    _, again = await answer("book_appointment", args, context, deps, guard=guard)
    assert again == first
    booked = await clean_pool.fetchval("select count(*) from appointments")
    assert booked == 1
