"""End to end with staff (issue 11): the app as deployed (Postgres, Redis) serving a clinic whose
three people each keep their own Google calendar (the stand-in on loopback)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from app.settings import Settings
from tests.conftest import FIXTURES
from tests.e2e.conftest import (
    OPERATOR_KEY,
    RETELL_KEY,
    RetellClient,
    eventually,
    notify,
    retell_call,
)
from tests.e2e.conftest import running as serving_app
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import free_port, serving

SHARED = "team@clinic.test"  # GOOGLE_CALENDAR_ID: events there block everyone
PEOPLE = {
    "maya": "maya@clinic.test",
    "sam-okafor": "sam@clinic.test",
    "lena-ruiz": "lena@clinic.test",
}
THURSDAY = "2027-03-11"


@pytest.fixture(scope="module")
def clinic_world(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FakeGoogle, RetellClient, str]]:
    fake = FakeGoogle()
    with serving(fake.app()) as google_url:
        for calendar in (SHARED, *PEOPLE.values()):
            fake.events[calendar] = {}
        port = free_port()
        settings = Settings(
            port=port,
            data_dir=Path(tmp_path_factory.mktemp("clinic-data")),
            business_config=FIXTURES / "clinic.toml",
            database_url=database_url,
            database_pool_max=4,
            redis_url=redis_url,
            retell_api_key=RETELL_KEY,
            google_calendar_ids=(SHARED,),
            google_credentials=make_service_account(google_url),
            google_api_base_url=google_url,
            google_poll_seconds=3600,
            public_base_url=f"http://127.0.0.1:{port}",
            operator_api_key=OPERATOR_KEY,
        )
        with serving_app(settings) as url:
            deadline = time.monotonic() + 10  # channels open in the background
            while len(fake.channels) < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            client = RetellClient(url)
            yield fake, client, url
            client.http.close()


def ours(fake: FakeGoogle, calendar: str) -> list[dict[str, Any]]:
    return [
        e
        for e in fake.events[calendar].values()
        if e.get("status") != "cancelled" and e.get("extendedProperties")
    ]


async def test_every_persons_calendar_is_watched(
    clinic_world: tuple[FakeGoogle, RetellClient, str],
) -> None:
    fake, _, _ = clinic_world
    assert sorted(c["calendar"] for c in fake.channels.values()) == sorted(
        [SHARED, *PEOPLE.values()]
    )


async def test_a_named_booking_lands_in_that_persons_calendar_only(
    clinic_world: tuple[FakeGoogle, RetellClient, str], clean_pool: asyncpg.Pool
) -> None:
    fake, retell, _ = clinic_world
    found = retell.tool("find_slots", {"service": "Checkup", "when": THURSDAY, "staff": "Dr Patel"})
    assert all(s["staff"] == {"id": "maya", "name": "Dr. Maya Patel"} for s in found["slots"])
    booked = retell.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Ada Lovelace"},
        call=retell_call("call_named"),
    )
    assert booked["ok"] and booked["appointment"]["staff"]["id"] == "maya"
    assert booked["message"].endswith("with Maya.")
    assert [len(ours(fake, c)) for c in (SHARED, *PEOPLE.values())] == [0, 1, 0, 0]


async def test_racing_anyone_bookings_get_different_people_and_the_fourth_hears_taken(
    clinic_world: tuple[FakeGoogle, RetellClient, str], clean_pool: asyncpg.Pool
) -> None:
    fake, retell, _ = clinic_world
    found = retell.tool("find_slots", {"service": "Checkup", "when": "2027-03-18"})
    slot = found["slots"][0]
    assert slot["staff"] is None

    def book(n: int) -> Any:
        return retell.tool(
            "book_appointment",
            {"slot_id": slot["slot_id"], "name": f"Caller {n}", "phone": f"+1415555{n:04d}"},
            call=retell_call(f"call_race_{n}", f"+1415555{n:04d}"),
        )

    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(book, range(4)))
    booked = [r for r in replies if r["ok"]]
    assert len(booked) == 3
    assert [r["error"] for r in replies if not r["ok"]] == ["slot_taken"]
    assert Counter(r["appointment"]["staff"]["id"] for r in booked) == Counter(list(PEOPLE))
    start = slot["start"]
    for calendar in PEOPLE.values():
        assert [
            e["start"]["dateTime"] for e in ours(fake, calendar) if e["start"]["dateTime"] == start
        ]


async def test_the_one_suite_is_never_double_booked_though_two_people_are_free(
    clinic_world: tuple[FakeGoogle, RetellClient, str], clean_pool: asyncpg.Pool
) -> None:
    _, retell, _ = clinic_world
    found = retell.tool("find_slots", {"service": "Whitening", "when": "2027-03-25"})
    slot = found["slots"][0]["slot_id"]

    def book(n: int) -> Any:
        return retell.tool(
            "book_appointment",
            {"slot_id": slot, "name": f"Whitening {n}", "phone": f"+1415556{n:04d}"},
            call=retell_call(f"call_suite_{n}", f"+1415556{n:04d}"),
        )

    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(book, range(3)))
    assert sorted(r["ok"] for r in replies) == [False, False, True]
    rooms = await clean_pool.fetchval(
        "select count(*) from appointments where status <> 'cancelled' and room_unit_id is not null"
    )
    assert rooms == 1


async def test_staff_deleting_our_event_in_their_own_calendar_cancels_it(
    clinic_world: tuple[FakeGoogle, RetellClient, str], clean_pool: asyncpg.Pool
) -> None:
    fake, retell, base = clinic_world
    found = retell.tool(
        "find_slots", {"service": "Cleaning", "when": "2027-03-22", "staff": "Lena"}
    )
    booked = retell.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Grace Hopper"},
        call=retell_call("call_lena"),
    )
    appointment_id = booked["appointment"]["appointment_id"]
    (event,) = [
        e
        for e in ours(fake, PEOPLE["lena-ruiz"])
        if e["extendedProperties"]["private"]["frontdesk_appointment"] == appointment_id
    ]
    fake.remove_event(PEOPLE["lena-ruiz"], event["id"])
    assert notify(base, fake, PEOPLE["lena-ruiz"]) == 200
    status = await eventually(
        clean_pool,
        "select status from appointments where id = $1",
        appointment_id,
        expect="cancelled",
    )
    assert status == "cancelled"


def test_the_call_begins_knowing_who_does_what(
    clinic_world: tuple[FakeGoogle, RetellClient, str],
) -> None:
    _, retell, _ = clinic_world
    call = retell_call("call_inbound_staff")
    inbound = {
        "event": "call_inbound",
        "call_inbound": {
            "agent_id": call["agent_id"],
            "from_number": call["from_number"],
            "to_number": call["to_number"],
        },
    }
    response = retell.post("/retell/inbound", json.dumps(inbound).encode())
    variables = response.json()["call_inbound"]["dynamic_variables"]
    assert variables["staff"].startswith("Cleaning: Sam Okafor or Lena Ruiz.")
