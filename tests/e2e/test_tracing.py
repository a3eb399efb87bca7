"""Tracing a complaint: find the call by number and day, and read what happened to the
appointment, by whom, with the notes and reasons given."""

from __future__ import annotations

import time
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.conftest import OPERATOR_KEY, RetellClient
from tests.e2e.test_conversations import Conversation

BEARER = {"authorization": f"Bearer {OPERATOR_KEY}"}
PHONE = "+14155550177"


def operator(base: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{base}{path}", params=params, headers=BEARER)


def book_move_and_cancel(retell: RetellClient) -> str:
    talk = Conversation(retell, "call_traced", PHONE)
    talk.begin()
    slot = talk.tool("find_slots", when="2027-04-12", service="cleaning", limit=1)["slots"][0]
    booked = talk.tool(
        "book_appointment", slot_id=slot["slot_id"], name="Mary Jackson", notes="sensitive teeth"
    )
    appointment_id = str(booked["appointment"]["appointment_id"])
    later = talk.tool("find_slots", when="April 14 afternoon", service="cleaning", limit=1)[
        "slots"
    ][0]
    moved = talk.tool(
        "reschedule_appointment", appointment_id=appointment_id, slot_id=later["slot_id"]
    )
    assert moved["ok"] is True, moved
    cancelled = talk.tool("cancel_appointment", appointment_id=appointment_id, reason="moving")
    assert cancelled["ok"] is True, cancelled
    talk.end()
    return appointment_id


def test_a_complaint_is_traced_from_the_number_to_the_appointments_history(
    retell: RetellClient, live_server: str
) -> None:
    appointment_id = book_move_and_cancel(retell)

    # Tool-call records are written in batches, a few milliseconds after the replies.
    deadline = time.monotonic() + 5
    while True:
        calls = operator(live_server, "/operator/calls", phone="(415) 555-0177", date="2027-03-10")
        assert calls.status_code == 200, calls.text
        (call,) = [c for c in calls.json()["calls"] if c["call_id"] == "call_traced"]
        if call["tool_calls"] == 5 or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert call["appointments"] == [appointment_id]
    assert call["tool_calls"] == 5
    assert operator(live_server, "/operator/calls", date="2027-03-11").json()["calls"] == []

    shown = operator(live_server, f"/operator/appointments/{appointment_id}").json()
    history: list[dict[str, Any]] = shown["history"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("reserved", "caller"),
        ("booked", "caller"),
        ("moved", "caller"),
        ("cancelled", "caller"),
    ]
    assert history[0]["notes"] == "sensitive teeth"
    assert history[2]["previous_starts_at"] == history[1]["starts_at"]
    assert history[3]["reason"] == "moving"

    resync = httpx.post(
        f"{live_server}/operator/appointments/{appointment_id}/resync", headers=BEARER
    )
    assert resync.status_code == 202
    again = operator(live_server, f"/operator/appointments/{appointment_id}").json()["history"]
    assert (again[-1]["action"], again[-1]["actor"]) == ("resync", "operator")


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"phone": "call me"}, 400),
        ({"date": "soon"}, 400),
        ({"date": "2027-03-10"}, 200),
    ],
)
def test_the_call_search_needs_a_number_or_a_day(
    live_server: str, params: dict[str, str], status: int
) -> None:
    assert operator(live_server, "/operator/calls", **params).status_code == status
    assert httpx.get(f"{live_server}/operator/calls", params=params).status_code == 401


async def test_history_is_append_only(retell: RetellClient, clean_pool: asyncpg.Pool) -> None:
    book_move_and_cancel(retell)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await clean_pool.execute("update appointment_history set actor = 'nobody'")
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await clean_pool.execute("delete from appointment_history")
