"""Drive the running server as Retell does: signed tool calls with realistic call objects."""

from __future__ import annotations

import json
import time

import asyncpg
import httpx
from retell.lib.webhook_auth import symmetric

from tests.e2e.conftest import RETELL_KEY, RetellClient, retell_call


async def test_find_book_and_find_again(retell: RetellClient, clean_pool: asyncpg.Pool) -> None:
    found = retell.tool("find_slots", {"service": "Cleaning", "when": "2027-03-15"})
    assert found["ok"] is True
    first = found["slots"][0]
    assert first["start"] == "2027-03-15T09:00:00-04:00"  # after the spring-forward change
    assert first["spoken"] == "Monday, March 15 at 9 AM"

    booked = retell.tool("book_appointment", {"slot_id": first["slot_id"], "name": "Ada Lovelace"})
    assert booked["ok"] is True, booked
    assert booked["appointment"]["start"] == first["start"]
    assert booked["appointment"]["status"] == "booked"
    row = await clean_pool.fetchrow(
        "select customer_phone, call_id, status from appointments where id = $1",
        booked["appointment"]["appointment_id"],
    )
    assert tuple(row) == ("+14155550123", "call_5e1f0c", "booked")

    again = retell.tool("find_slots", {"service": "Cleaning", "when": "2027-03-15"})
    assert first["start"] not in [s["start"] for s in again["slots"]]


async def test_the_args_only_payload_works_too(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    body = json.dumps({"when": "2027-03-16", "service": "checkup", "limit": 2}).encode()
    response = retell.post("/retell/functions/find_slots", body)
    assert response.status_code == 200
    assert [s["start"] for s in response.json()["slots"]] == [
        "2027-03-16T09:00:00-04:00",
        "2027-03-16T12:00:00-04:00",
    ]


async def test_a_second_caller_for_the_same_slot_hears_alternatives(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    slot = retell.tool("find_slots", {"service": "Cleaning", "when": "2027-03-16", "limit": 1})[
        "slots"
    ][0]
    retell.tool("book_appointment", {"slot_id": slot["slot_id"], "name": "First Caller"})
    late = retell.tool(
        "book_appointment",
        {"slot_id": slot["slot_id"], "name": "Second Caller"},
        call=retell_call("call_second", "+14155550999"),
    )
    assert late["ok"] is False
    assert late["error"] == "slot_taken"
    assert late["alternatives"]
    assert await clean_pool.fetchval("select count(*) from appointments") == 1


async def test_bad_signatures_get_401_and_change_nothing(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    body = json.dumps(
        {
            "name": "book_appointment",
            "call": retell_call(),
            "args": {"start": "2027-03-16T09:00", "name": "Mallory"},
        }
    ).encode()
    stale = symmetric["sign"](body.decode(), RETELL_KEY, int(time.time() * 1000) - 301_000)
    forged = symmetric["sign"](body.decode(), "key_not_ours")
    for signature in (None, "v=1,d=nothex", forged, stale):
        assert retell.post("/retell/functions", body, signature=signature).status_code == 401
    tampered = symmetric["sign"](body.decode(), RETELL_KEY)
    assert retell.post("/retell/functions", body + b" ", signature=tampered).status_code == 401
    assert await clean_pool.fetchval("select count(*) from appointments") == 0


def test_recoverable_problems_are_200_with_a_speakable_error(retell: RetellClient) -> None:
    unknown = retell.tool("order_pizza", {})
    assert (unknown["ok"], unknown["error"]) == (False, "unknown_tool")
    invalid = retell.tool("find_slots", {"service": "Cleaning", "limit": 50})
    assert (invalid["ok"], invalid["error"]) == (False, "invalid_arguments")
    assert invalid["message"]
    nameless = retell.tool("book_appointment", {"service": "Cleaning", "start": "2027-03-16T09:00"})
    assert nameless["message"] == "May I have your full name for the booking?"
    unclear = retell.tool(
        "find_slots", {"service": "Cleaning", "when": "whenever the moon is full"}
    )
    assert unclear["error"] == "unclear_time"


def test_malformed_json_is_400(retell: RetellClient) -> None:
    response = retell.post("/retell/functions", b'{"name": "find_slots", ')
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"
    assert retell.post("/retell/functions", b"[1, 2]").status_code == 400


def test_replies_stay_far_below_retells_cap(retell: RetellClient) -> None:
    reply = retell.tool("find_slots", {"service": "Cleaning", "limit": 10})
    assert len(reply["slots"]) == 10
    assert len(json.dumps(reply)) < 5000


def test_health(live_server: str) -> None:
    assert httpx.get(f"{live_server}/health/live").json() == {"status": "ok"}
    ready = httpx.get(f"{live_server}/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {
        "config": "ok",
        "database": "ok",
        "cache": "ok",
        "calendar": "ok",
    }
