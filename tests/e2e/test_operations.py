"""What an operator relies on: metrics, request ids, replay refusal, the operator endpoints."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from retell.lib.webhook_auth import symmetric

from app.logging import configure_logging
from tests.e2e.conftest import (
    OPERATOR_KEY,
    RETELL_KEY,
    RetellClient,
    retell_call,
    running,
    settings_for,
    sign,
)
from tests.fakes.serving import free_port


def test_a_replayed_signature_is_refused_without_side_effects(retell: RetellClient) -> None:
    body = json.dumps({"name": "find_slots", "call": retell_call(), "args": {}}).encode()
    signature = sign(body)
    first = retell.post("/retell/functions", body, signature=signature)
    again = retell.post("/retell/functions", body, signature=signature)
    assert (first.status_code, again.status_code) == (200, 401)


def test_metrics_count_tool_calls_by_outcome(retell: RetellClient, live_server: str) -> None:
    retell.tool("find_slots", {"service": "Cleaning", "when": "whenever the moon is full"})
    text = httpx.get(f"{live_server}/metrics").text
    assert (
        'frontdesk_tool_calls_total{business="test-dental",outcome="unclear_time",tool="find_slots"}'
        in text
    )
    assert "frontdesk_tool_call_seconds_bucket" in text


def test_every_response_carries_a_request_id(live_server: str) -> None:
    given = httpx.get(f"{live_server}/health/live", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = [httpx.get(f"{live_server}/health/live").headers["x-request-id"] for _ in range(3)]
    assert all(len(made_id) == 16 for made_id in made)
    assert len(set(made)) == 3  # each request its own


def test_an_invalid_request_id_is_replaced_by_a_new_one(live_server: str) -> None:
    given = httpx.get(f"{live_server}/health/live", headers={"x-request-id": "a b;c"})
    assert given.headers["x-request-id"] != "a b;c"
    assert len(given.headers["x-request-id"]) == 16


async def test_operator_endpoints_need_the_key(
    retell: RetellClient, live_server: str, clean_pool: asyncpg.Pool
) -> None:
    booked = retell.tool(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-04-13T09:00", "name": "Ada"},
        retell_call("call_op"),
    )
    appointment_id = booked["appointment"]["appointment_id"]
    bearer = {"authorization": f"Bearer {OPERATOR_KEY}"}
    day = "/operator/appointments?date=2027-04-13"
    async with httpx.AsyncClient(base_url=live_server) as http:
        assert (await http.get(day)).status_code == 401
        assert (await http.get(day, headers={"authorization": "Bearer wrong"})).status_code == 401
        listed = (await http.get(day, headers=bearer)).json()
        assert [a["appointment_id"] for a in listed["appointments"]] == [appointment_id]
        bad_day = await http.get("/operator/appointments?date=soon", headers=bearer)
        assert bad_day.status_code == 400
        trace = (await http.get("/operator/calls/call_op", headers=bearer)).json()
        assert trace["appointments"][0]["id"] == appointment_id
        assert (await http.get("/operator/calls/call_nope", headers=bearer)).status_code == 404
        resync = await http.post(f"/operator/appointments/{appointment_id}/resync", headers=bearer)
        assert resync.status_code == 202
    assert (
        await clean_pool.fetchval(
            "select calendar_synced from appointments where id = $1", appointment_id
        )
        is False
    )


@pytest.mark.parametrize("path", ["/retell/functions", "/retell/functions/find_slots"])
def test_oversized_bodies_are_refused(live_server: str, path: str) -> None:
    response = httpx.post(f"{live_server}{path}", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413


def test_an_oversized_body_without_a_length_is_refused_once_it_passes_the_limit(
    live_server: str,
) -> None:
    def chunks() -> Iterator[bytes]:  # sent chunked: no content-length announces the size
        for _ in range(17):
            yield b"x" * (64 * 1024)

    response = httpx.post(f"{live_server}/retell/functions", content=chunks())
    assert response.status_code == 413


def test_the_tool_call_webhook_answers_only_post(live_server: str) -> None:
    response = httpx.get(f"{live_server}/retell/functions")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_readiness_with_redis_down_is_degraded_but_stays_in_rotation(
    database_url: str, tmp_path: Path
) -> None:
    """Calls go on without Redis, so readiness says so and keeps answering 200."""
    settings = settings_for(database_url, tmp_path, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with running(settings) as url:
        ready = httpx.get(f"{url}/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["cache"].startswith("degraded")
        assert ready.json()["checks"]["database"] == "ok"
        client = RetellClient(url)
        assert client.tool("find_slots", {"service": "Cleaning", "when": "tomorrow"})["ok"] is True
        client.http.close()


def test_refused_signatures_are_logged_with_the_reason_and_no_secrets(
    retell: RetellClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "info")
    body = json.dumps({"name": "find_slots", "args": {}, "call": retell_call()}).encode()
    future = sign(body).replace("v=", "v=1")  # a send time years away
    stale = str(symmetric["sign"](body.decode(), RETELL_KEY, int(time.time() * 1000) - 600_000))
    wrong = sign(body, key="key_someone_else")
    replayed = sign(body)
    assert retell.post("/retell/functions", body, signature=replayed).status_code == 200
    for signature in (None, "v=1,d=nothex", stale, future, wrong, replayed):
        assert retell.post("/retell/functions", body, signature=signature).status_code == 401
    logged = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if '"signature.refused"' in line
    ]
    assert [(line["reason"], line["level"]) for line in logged] == [
        ("missing", "warning"),
        ("malformed", "warning"),
        ("stale", "warning"),
        ("future", "warning"),
        ("wrong", "warning"),
        ("replayed", "warning"),
    ]
    text = json.dumps(logged)
    assert RETELL_KEY not in text and wrong.split("d=")[1] not in text


def test_a_repeated_signature_on_a_booking_gets_the_kept_answer_and_books_once(
    retell: RetellClient,
) -> None:
    """Should Retell retry a tool call without signing it afresh, the booking's answer is not
    lost to a 401: the repeat is answered from the kept reply and nothing is booked twice."""
    args = {"service": "Cleaning", "start": "2027-04-14T10:00", "name": "Grace Hopper"}
    body = json.dumps(
        {"name": "book_appointment", "call": retell_call("call_repeat"), "args": args}
    ).encode()
    signature = sign(body)
    first = retell.post("/retell/functions", body, signature=signature)
    again = retell.post("/retell/functions", body, signature=signature)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["ok"] is True
    assert again.json() == first.json()


def test_a_repeated_signature_on_a_lookup_is_refused(retell: RetellClient) -> None:
    body = json.dumps(
        {"name": "find_appointments", "call": retell_call("call_lookup"), "args": {}}
    ).encode()
    signature = sign(body)
    assert retell.post("/retell/functions", body, signature=signature).status_code == 200
    assert retell.post("/retell/functions", body, signature=signature).status_code == 401


def test_the_outbox_backlog_is_an_operator_endpoint(live_server: str) -> None:
    assert httpx.get(f"{live_server}/operator/outbox").status_code == 401
    answer = httpx.get(
        f"{live_server}/operator/outbox", headers={"authorization": f"Bearer {OPERATOR_KEY}"}
    )
    assert answer.status_code == 200 and set(answer.json()) == {"due", "oldest_due_seconds"}
