"""Scripted calls, replayed turn by turn as Retell sends them, through the running app: the
inbound lookup, the call events, the tool calls; then the database is checked."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from tests.conftest import NOW
from tests.e2e.conftest import RetellClient, eventually, retell_call


class Conversation:
    """One phone call: Retell's webhooks and tool calls in the order a real call makes them."""

    def __init__(self, retell: RetellClient, call_id: str, from_number: str) -> None:
        self.retell = retell
        self.call = retell_call(call_id, from_number)
        self.turns: list[str] = []

    def begin(self) -> dict[str, str]:
        inbound = {
            "event": "call_inbound",
            "call_inbound": {
                "agent_id": self.call["agent_id"],
                "from_number": self.call["from_number"],
                "to_number": self.call["to_number"],
            },
        }
        response = self.retell.post("/retell/inbound", json.dumps(inbound).encode())
        assert response.status_code == 200
        variables: dict[str, str] = response.json()["call_inbound"]["dynamic_variables"]
        self._event("call_started")
        return variables

    def says(self, text: str) -> None:
        self.turns.append(f"User: {text}")

    def tool(self, tool: str, /, **args: Any) -> Any:
        self.call["transcript"] = "\n".join(self.turns)
        reply = self.retell.tool(tool, args, call=self.call)
        self.turns.append(f"Agent: {reply['message']}")
        return reply

    def end(self) -> None:
        self.call.update(
            call_status="ended",
            end_timestamp=self.call["start_timestamp"] + 95_000,
            duration_ms=95_000,
            disconnection_reason="user_hangup",
        )
        self._event("call_ended")
        self.call["call_analysis"] = {"call_summary": "The caller managed an appointment."}
        self._event("call_analyzed")

    def _event(self, event: str) -> None:
        body = json.dumps({"event": event, "call": self.call}).encode()
        assert self.retell.post("/retell/webhook", body).status_code == 204


async def book_as(retell: RetellClient, call_id: str, phone: str, when: str, name: str) -> str:
    talk = Conversation(retell, call_id, phone)
    talk.begin()
    slot = talk.tool("find_slots", when=when, service="cleaning", limit=1)["slots"][0]
    booked = talk.tool("book_appointment", slot_id=slot["slot_id"], name=name)
    talk.end()
    return str(booked["appointment"]["appointment_id"])


async def test_a_new_caller_books(retell: RetellClient, clean_pool: asyncpg.Pool) -> None:
    talk = Conversation(retell, "call_new", "+14155550101")
    variables = talk.begin()
    assert variables["caller_known"] == "false"
    assert variables["business_name"] == "Test Dental"
    # Today (Wednesday, March 10 in New York) first; Retell's own clock is not shadowed.
    assert variables["opening_hours"].startswith("Today, Wednesday, we're open 9 AM to 5 PM. ")
    assert variables["address"] == "1 Test Street, Springfield"
    assert not {"current_time", "current_date"} & set(variables)
    talk.says("Hi, I'd like a cleaning, next Tuesday after lunch if you have it.")
    found = talk.tool("find_slots", when="next Tuesday after lunch", service="cleaning")
    assert found["message"].startswith("I have Tuesday, March 16 at 1:30 PM")
    talk.says("The first one. I'm Ada Lovelace.")
    booked = talk.tool(
        "book_appointment", slot_id=found["slots"][0]["slot_id"], name="Ada Lovelace"
    )
    assert booked["message"] == "You're booked for Cleaning on Tuesday, March 16 at 1:30 PM."
    talk.end()

    row = await clean_pool.fetchrow(
        "select status, customer_phone, call_id from appointments where id = $1",
        booked["appointment"]["appointment_id"],
    )
    assert tuple(row) == ("booked", "+14155550101", "call_new")
    assert (
        await eventually(
            clean_pool,
            "select last_event from calls where call_id = $1",
            "call_new",
            expect="call_analyzed",
        )
        == "call_analyzed"
    )
    call = await clean_pool.fetchrow("select * from calls where call_id = 'call_new'")
    assert call["disconnection_reason"] == "user_hangup"
    assert call["duration_ms"] == 95_000
    assert call["summary"] == "The caller managed an appointment."
    assert "Ada Lovelace" in call["transcript"]
    assert call["started_at"] == NOW
    # Tool-call records are written in batches, a few milliseconds after the replies.
    await eventually(
        clean_pool, "select count(*) from tool_calls where call_id = 'call_new'", expect=2
    )
    trace = await clean_pool.fetchval("select fd_call_trace('call_new')")
    assert [t["tool"] for t in trace["tool_calls"]] == ["find_slots", "book_appointment"]
    assert [a["id"] for a in trace["appointments"]] == [booked["appointment"]["appointment_id"]]


async def test_a_known_caller_reschedules(retell: RetellClient, clean_pool: asyncpg.Pool) -> None:
    appointment_id = await book_as(
        retell, "call_first", "+14155550102", "2027-04-05", "Grace Hopper"
    )

    talk = Conversation(retell, "call_again", "+14155550102")
    variables = talk.begin()
    assert variables["caller_known"] == "true"
    assert variables["caller_name"] == "Grace Hopper"
    assert variables["next_appointment"] == "Cleaning on Monday, April 5 at 9 AM"
    assert variables["next_appointment_id"] == appointment_id
    assert variables["caller"] == (
        "Grace Hopper, who has called before; their next appointment is Cleaning on Monday, "
        f"April 5 at 9 AM (id {appointment_id})"
    )
    talk.says("Can I move my cleaning to the Wednesday after, in the afternoon?")
    mine = talk.tool("find_appointments")
    assert [a["appointment_id"] for a in mine["appointments"]] == [appointment_id]
    found = talk.tool("find_slots", when="April 7 afternoon", service="cleaning")
    moved = talk.tool(
        "reschedule_appointment",
        appointment_id=appointment_id,
        slot_id=found["slots"][0]["slot_id"],
    )
    assert moved["ok"] is True
    assert moved["appointment"]["start"] == "2027-04-07T12:00:00-04:00"
    talk.end()
    starts = await clean_pool.fetchval(
        "select starts_at from appointments where id = $1", appointment_id
    )
    assert starts.isoformat() == "2027-04-07T16:00:00+00:00"


async def test_a_caller_cancels(retell: RetellClient, clean_pool: asyncpg.Pool) -> None:
    appointment_id = await book_as(retell, "call_c1", "+14155550103", "2027-04-06", "Alan Turing")
    talk = Conversation(retell, "call_c2", "+14155550103")
    talk.begin()
    talk.says("I need to cancel my appointment.")
    mine = talk.tool("find_appointments")
    assert mine["appointments"][0]["appointment_id"] == appointment_id
    cancelled = talk.tool("cancel_appointment", appointment_id=appointment_id, reason="travelling")
    assert cancelled["appointment"]["status"] == "cancelled"
    talk.end()
    assert (
        await clean_pool.fetchval("select status from appointments where id = $1", appointment_id)
        == "cancelled"
    )


async def test_the_time_is_taken_and_an_alternative_is_accepted(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    await book_as(retell, "call_t1", "+14155550104", "2027-04-08T10:00", "Early Bird")
    talk = Conversation(retell, "call_t2", "+14155550105")
    talk.begin()
    talk.says("Thursday April 8th at 10, please. Name's Barbara Liskov.")
    taken = talk.tool(
        "book_appointment", start="April 8 at 10am", service="cleaning", name="Barbara Liskov"
    )
    assert (taken["ok"], taken["error"]) == (False, "slot_taken")
    alternative = taken["alternatives"][0]
    talk.says("OK, the next one then.")
    booked = talk.tool("book_appointment", slot_id=alternative["slot_id"], name="Barbara Liskov")
    assert booked["appointment"]["start"] == alternative["start"]
    talk.end()
    assert (
        await clean_pool.fetchval("select count(*) from appointments where status = 'booked'") == 2
    )


async def test_an_unclear_time_leads_to_a_question(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    talk = Conversation(retell, "call_u", "+14155550106")
    talk.begin()
    talk.says("Sometime when the weather's nice?")
    unclear = talk.tool("find_slots", when="when the weather is nice", service="cleaning")
    assert unclear["error"] == "unclear_time"
    assert unclear["message"].endswith("?")
    talk.says("OK, Friday April 9 in the morning.")
    clear = talk.tool("find_slots", when="Friday April 9 in the morning", service="cleaning")
    assert clear["ok"] and clear["slots"]
    talk.end()
    assert await clean_pool.fetchval("select count(*) from appointments") == 0


async def test_a_caller_cannot_cancel_someone_elses_appointment(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    appointment_id = await book_as(retell, "call_o1", "+14155550107", "2027-04-12", "Owner")
    talk = Conversation(retell, "call_o2", "+14155550999")
    talk.begin()
    talk.says(f"Cancel appointment {appointment_id}.")
    refused = talk.tool("cancel_appointment", appointment_id=appointment_id)
    assert refused["error"] == "not_found"
    guessed = talk.tool(
        "cancel_appointment", appointment_id=appointment_id, phone="+14155550107"
    )  # the number alone is not enough
    assert guessed["error"] == "not_found"
    talk.end()
    assert (
        await clean_pool.fetchval("select status from appointments where id = $1", appointment_id)
        == "booked"
    )


async def test_unknown_events_are_stored_and_acknowledged(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    body = json.dumps({"event": "transcript_updated_v9", "call": {"call_id": "call_x"}}).encode()
    assert retell.post("/retell/webhook", body).status_code == 204
    assert retell.post("/retell/webhook", body, signature=None).status_code == 401
    assert (
        await eventually(
            clean_pool,
            "select count(*) from call_events where event = 'transcript_updated_v9'",
            expect=1,
        )
        == 1
    )


async def test_a_caller_with_no_time_that_suits_leaves_a_message(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    await clean_pool.execute("truncate messages, outbox")
    talk = Conversation(retell, "call_no_time", "+14155550104")
    talk.begin()
    talk.says("Do you have anything Saturday?")
    found = talk.tool("find_slots", when="saturday", service="cleaning")
    assert found["slots"] == [] and found["alternatives"]
    talk.says("No, none of those work. Can someone call me?")
    taken = talk.tool(
        "take_message",
        name="Ada Lovelace",
        message="Wants a cleaning on a Saturday; none of the times suit.",
        callback_when="tomorrow afternoon",
    )
    assert taken["message"] == (
        "I've passed that on; someone will call you back tomorrow between noon and 5 PM."
    )
    talk.end()
    row = await clean_pool.fetchrow("select phone, callback_phrase, call_id from messages")
    assert tuple(row) == ("+14155550104", "tomorrow between noon and 5 PM", "call_no_time")


def test_a_caller_asking_for_a_person_in_the_morning_can_be_transferred(
    retell: RetellClient,
) -> None:
    # The fixture's transfer number is answered 9 to noon; the test clock says Wednesday 10 AM.
    variables = Conversation(retell, "call_person", "+14155550105").begin()
    assert variables["transfer_now"] == "yes"
