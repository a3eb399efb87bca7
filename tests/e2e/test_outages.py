"""A database that stops accepting connections mid-life: every tool call is a speakable answer,
no webhook is acknowledged unless stored, and everything works again once it is back."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest

from app.settings import Settings
from tests.conftest import with_database
from tests.e2e.conftest import OPERATOR_KEY, RetellClient, retell_call, running, settings_for
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import free_port


@pytest.fixture(scope="module")
async def outage_database(server_url: str) -> AsyncIterator[str]:
    """A database of the tests' own, so taking it away disturbs nobody else."""
    name = f"frontdesk_outage_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


@pytest.fixture(scope="module")
def outage_server(outage_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running(settings_for(outage_database, tmp_path_factory.mktemp("outage"))) as url:
        yield url


@asynccontextmanager
async def database_refusing(server_url: str, database_url: str) -> AsyncIterator[None]:
    """No new connections, and every open one terminated: Postgres refusing, as in a crash."""
    name = database_url.partition("?")[0].rsplit("/", 1)[1]
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'alter database "{name}" allow_connections false')
    await admin.execute(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", name
    )
    try:
        yield
    finally:
        await admin.execute(f'alter database "{name}" allow_connections true')
        await admin.close()


TOOLS = [
    ("find_slots", {"service": "Cleaning", "when": "tomorrow"}),
    (
        "book_appointment",
        {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "Ada Lovelace"},
    ),
    ("find_appointments", {}),
    ("reschedule_appointment", {"appointment_id": "apt_x", "start": "2027-03-11T10:00"}),
    ("cancel_appointment", {"appointment_id": "apt_x"}),
]


async def test_tool_calls_during_a_database_outage_are_speakable_and_retryable(
    outage_server: str, server_url: str, outage_database: str
) -> None:
    retell = RetellClient(outage_server)
    call = retell_call("call_outage_tools")
    async with database_refusing(server_url, outage_database):
        for tool, args in TOOLS:
            reply = retell.tool(tool, args, call=call)  # asserts HTTP 200
            assert (reply["ok"], reply["error"]) == (False, "temporarily_unavailable"), tool
            assert reply["message"]
        operator = retell.http.get(
            "/operator/calls?date=2027-03-10", headers={"authorization": f"Bearer {OPERATOR_KEY}"}
        )
        assert (operator.status_code, operator.json()["error"]) == (503, "temporarily_unavailable")
    # The same call, retried once the database is back, runs for real (nothing was kept).
    booked = retell.tool(*TOOLS[1], call=call)
    assert booked["ok"] is True, booked
    retell.http.close()


async def test_call_events_are_acknowledged_only_once_stored(
    outage_server: str, server_url: str, outage_database: str
) -> None:
    retell = RetellClient(outage_server)
    call = {**retell_call("call_outage_events"), "call_status": "ended"}
    body = json.dumps({"event": "call_ended", "call": call}).encode()
    async with database_refusing(server_url, outage_database):
        refused = retell.post("/retell/webhook", body)
        assert refused.status_code == 503  # Retell sends it again
    assert retell.post("/retell/webhook", body).status_code == 204  # the retry
    reader = await asyncpg.connect(outage_database)
    stored = await reader.fetchval(
        "select count(*) from call_events where call_id = 'call_outage_events'"
    )
    await reader.close()
    assert stored == 1  # the 204 means stored, at once: no waiting for a background write
    retell.http.close()


def google_settings(database_url: str, data_dir: Path, fake_url: str, credentials: str) -> Settings:
    port = free_port()
    return replace(
        settings_for(database_url, data_dir),
        port=port,
        google_calendar_ids=(GOOGLE_CAL,),
        google_credentials=credentials,
        google_api_base_url=fake_url,
        public_base_url=f"http://127.0.0.1:{port}",
    )


GOOGLE_CAL = "outage@group.calendar.google.com"


def test_the_server_starts_while_googles_token_endpoint_refuses_and_recovers_alone(
    database_url: str,
    tmp_path: Path,
    fake_google: FakeGoogle,
    fake_google_server: tuple[FakeGoogle, str],
    service_account_json: str,
) -> None:
    fake_google.events[GOOGLE_CAL] = {}
    fake_google.fail("token", *[401] * 1000)
    settings = google_settings(database_url, tmp_path, fake_google_server[1], service_account_json)
    with running(settings) as url:
        retell = RetellClient(url)
        ready = retell.http.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["calendar"]
        reply = retell.tool("find_slots", {"service": "Cleaning", "when": "tomorrow"})
        assert (reply["ok"], reply["error"]) == (False, "calendar_unavailable")
        assert fake_google.channels == {}

        fake_google.faults["token"].clear()  # Google answers again
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            not fake_google.channels or retell.http.get("/health/ready").status_code != 200
        ):
            time.sleep(0.2)
        assert [c["calendar"] for c in fake_google.channels.values()] == [GOOGLE_CAL]
        assert retell.http.get("/health/ready").status_code == 200
        assert retell.tool("find_slots", {"service": "Cleaning", "when": "tomorrow"})["ok"] is True
        retell.http.close()


def test_the_server_starts_while_googles_token_endpoint_cannot_be_resolved(
    database_url: str, tmp_path: Path, fake_google_server: tuple[FakeGoogle, str]
) -> None:
    unresolvable = make_service_account("http://token.frontdesk-test.invalid")
    settings = google_settings(database_url, tmp_path, fake_google_server[1], unresolvable)
    with running(settings) as url:
        retell = RetellClient(url)
        assert retell.http.get("/health/ready").json()["failing"] == ["calendar"]
        reply = retell.tool(
            "book_appointment", {"service": "Cleaning", "start": "2027-03-11T09:00", "name": "Ada"}
        )
        assert reply["error"] == "calendar_unavailable"
        retell.http.close()


def test_a_call_event_no_database_could_store_is_refused_not_retried_forever(
    outage_server: str,
) -> None:
    """NUL in text: Postgres can never store it, so 503 (retry) would loop; it is a 400."""
    retell = RetellClient(outage_server)
    call = {**retell_call("call_unstorable"), "transcript": "Agent: hello\u0000"}
    body = json.dumps({"event": "call_ended", "call": call}).encode()
    refused = retell.post("/retell/webhook", body)
    assert (refused.status_code, refused.json()["error"]) == (400, "malformed_json")
    retell.http.close()
