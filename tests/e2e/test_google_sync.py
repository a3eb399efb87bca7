"""End to end with Google: the app talks to a local Calendar v3 stand-in; staff edits made
there come back through push notifications and sync."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
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
    running,
)
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import free_port, serving

CAL = "frontdesk-bookings@group.calendar.google.com"
STAFF_CAL = "dr-smith@example.com"


@pytest.fixture(scope="module")
def google_world(
    database_url: str, service_account_json_module: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FakeGoogle, RetellClient, str]]:
    fake, google_url = _FAKE
    fake.events[CAL] = {}
    fake.events[STAFF_CAL] = {}
    port = free_port()
    settings = Settings(
        port=port,
        data_dir=Path(tmp_path_factory.mktemp("google-data")),
        business_config=FIXTURES / "business.toml",
        database_url=database_url,
        database_pool_max=4,
        retell_api_key=RETELL_KEY,
        google_calendar_ids=(CAL, STAFF_CAL),
        google_credentials=service_account_json_module,
        google_api_base_url=google_url,
        google_poll_seconds=3600,  # in this test, only notifications trigger a sync
        public_base_url=f"http://127.0.0.1:{port}",
        operator_api_key=OPERATOR_KEY,
    )
    with running(settings) as url:
        deadline = time.monotonic() + 10  # channels are opened in the background
        while len(fake.channels) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        client = RetellClient(url)
        yield fake, client, url
        client.http.close()


_FAKE: tuple[FakeGoogle, str]


@pytest.fixture(scope="module")
def service_account_json_module() -> Iterator[str]:
    global _FAKE  # noqa: PLW0603 - the fake server lives as long as this module's tests
    fake = FakeGoogle()
    with serving(fake.app()) as url:
        _FAKE = (fake, url)
        yield make_service_account(url)


def event_body(event_id: str, start: str, minutes: int = 60, **extra: Any) -> dict[str, Any]:
    begins = datetime.fromisoformat(start)
    return {
        "id": event_id,
        "start": {"dateTime": begins.isoformat()},
        "end": {"dateTime": (begins + timedelta(minutes=minutes)).isoformat()},
        **extra,
    }


async def test_booking_staff_edits_and_resync(
    google_world: tuple[FakeGoogle, RetellClient, str], clean_pool: asyncpg.Pool
) -> None:
    fake, retell, base = google_world
    assert {c["calendar"] for c in fake.channels.values()} == {CAL, STAFF_CAL}

    # A staff calendar's event is busy time for the business.
    fake.put_event(STAFF_CAL, event_body("lunchmeeting", "2027-04-05T09:00:00-04:00", 120))
    assert notify(base, fake, STAFF_CAL) == 200
    await eventually(
        clean_pool, "select count(*) from calendar_mirror where event_id = 'lunchmeeting'", expect=1
    )
    found = retell.tool("find_slots", {"service": "Cleaning", "when": "2027-04-05", "limit": 1})
    assert found["slots"][0]["start"] == "2027-04-05T11:00:00-04:00"

    # Book through the tool: the event appears in Google, tagged with our appointment.
    booked = retell.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Ada Lovelace"},
        call=retell_call("call_google"),
    )
    appointment_id = booked["appointment"]["appointment_id"]
    event = next(
        e
        for e in fake.events[CAL].values()
        if e["extendedProperties"]["private"]["frontdesk_appointment"] == appointment_id
    )
    assert event["start"]["dateTime"] == "2027-04-05T11:00:00-04:00"

    # Staff move it by hand: our appointment follows.
    fake.put_event(CAL, {**event, **event_body(event["id"], "2027-04-06T14:00:00-04:00")})
    assert notify(base, fake, CAL) == 200
    moved = await eventually(
        clean_pool,
        "select starts_at from appointments where id = $1",
        appointment_id,
        expect=datetime.fromisoformat("2027-04-06T14:00:00-04:00"),
    )
    assert moved == datetime.fromisoformat("2027-04-06T14:00:00-04:00")

    # The sync token expires: a full resync recovers, and sees the deletion.
    fake.expire_sync_tokens()
    fake.remove_event(CAL, event["id"])
    assert notify(base, fake, CAL) == 200
    assert (
        await eventually(
            clean_pool,
            "select status from appointments where id = $1",
            appointment_id,
            expect="cancelled",
        )
        == "cancelled"
    )
    assert (
        await eventually(
            clean_pool,
            "select count(*) from calendar_mirror where event_id = $1",
            event["id"],
            expect=0,
        )
        == 0
    )
    assert fake.violations == []

    # Its history says who did what: booked by the caller, moved and deleted by staff.
    history = retell.http.get(
        f"/operator/appointments/{appointment_id}",
        headers={"authorization": f"Bearer {OPERATOR_KEY}"},
    ).json()["history"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("reserved", "caller"),
        ("booked", "caller"),
        ("moved", "staff"),
        ("cancelled", "staff"),
    ]
    assert history[2]["previous_starts_at"].startswith("2027-04-05T15:00:00")
    assert history[3]["reason"] == "deleted in the calendar"


def test_notifications_need_a_known_channel_and_its_token(
    google_world: tuple[FakeGoogle, RetellClient, str],
) -> None:
    fake, _, base = google_world
    assert notify(base, fake, CAL, token="not-the-token") == 401
    unknown = httpx.post(
        f"{base}/google/notifications",
        headers={
            "X-Goog-Channel-ID": "fd-unknown",
            "X-Goog-Channel-Token": "x",
            "X-Goog-Resource-State": "exists",
        },
    )
    assert unknown.status_code == 404
