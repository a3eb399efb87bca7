"""Sync and push channels against the Calendar v3 stand-in and the real Postgres."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from agent_tools.business import Business
from app.db.appointments import PostgresAppointmentStore
from app.google_sync import GoogleSync, PostgresMirror
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials
from tests.fakes.google_calendar import FakeGoogle

CAL = "sync-test@group.calendar.google.com"


@pytest.fixture
async def sync(
    google: GoogleCalendar, fake_google: FakeGoogle, clean_pool: asyncpg.Pool, business: Business
) -> AsyncIterator[GoogleSync]:
    await clean_pool.execute("truncate calendar_mirror, calendar_sync, calendar_channels")
    fake_google.events[CAL] = {}
    here = replace(business, calendar_id=CAL)
    mirror = PostgresMirror(clean_pool, here.id, fresh_seconds=60)
    google.mirror = mirror
    engine = GoogleSync(google, mirror, PostgresAppointmentStore(clean_pool), here)
    yield engine
    await engine.drain()


async def test_concurrent_notifications_never_overlap_syncs(
    sync: GoogleSync, fake_google: FakeGoogle
) -> None:
    fake_google.latency["list"] = 0.2
    await asyncio.gather(*(sync.sync(CAL) for _ in range(5)))
    # One sync ran, the four that arrived meanwhile folded into one more pass.
    assert [r for r, _ in fake_google.requests].count("list") == 2


async def test_the_mirror_answers_while_fresh(sync: GoogleSync, fake_google: FakeGoogle) -> None:
    start = datetime(2027, 3, 11, 14, tzinfo=UTC)
    fake_google.put_event(
        CAL,
        {
            "id": "busy1",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(hours=1)).isoformat()},
        },
    )
    await sync.sync(CAL)
    before = len(fake_google.requests)
    spans = await sync.google.busy([CAL], start - timedelta(days=1), start + timedelta(days=1))
    assert spans == [(int(start.timestamp()), int(start.timestamp()) + 3600)]
    assert len(fake_google.requests) == before  # no Google round trip


async def test_channels_open_renew_and_close(sync: GoogleSync, fake_google: FakeGoogle) -> None:
    await sync.open_channels("https://frontdesk.example.com", ttl_seconds=3600)
    (first,) = fake_google.channels.values()
    assert first["address"] == "https://frontdesk.example.com/google/notifications"
    assert await sync.notified(first["id"], first["token"], "exists") == 200
    assert await sync.notified(first["id"], "wrong", "exists") == 401
    assert await sync.notified("fd-unknown", first["token"], "exists") == 404
    await sync.renew_channels()  # expires within 12 hours: replaced
    (second,) = fake_google.channels.values()
    assert second["id"] != first["id"]
    assert await sync.notified(first["id"], first["token"], "exists") == 404
    await sync.close_channels()
    assert fake_google.channels == {}


def test_an_authorized_user_file_loads(tmp_path: object) -> None:
    info = {
        "type": "authorized_user",
        "client_id": "c",
        "client_secret": "s",
        "refresh_token": "r",
        "token_uri": "http://127.0.0.1:1/token",
    }
    credentials = load_credentials(json.dumps(info))
    assert not credentials.valid  # refreshed on first use
    with pytest.raises(ValueError, match="service_account or authorized_user"):
        load_credentials(json.dumps({"type": "external_account"}))
