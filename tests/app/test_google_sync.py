"""Sync and push channels against the Calendar v3 stand-in and the real Postgres."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from tenacity import wait_fixed

from agent_tools.business import Business
from app.db.appointments import PostgresAppointmentStore
from app.db.calendar_mirror import PostgresMirror
from app.google_channels import PushChannels, UnknownChannelError, WrongChannelTokenError
from app.google_sync import GoogleSync
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


def channels_for(sync: GoogleSync, **extra: Any) -> PushChannels:
    return PushChannels(
        sync.google,
        sync.mirror,
        [CAL],
        on_change=sync.sync_soon,
        public_base_url="https://frontdesk.example.com",
        ttl_seconds=3600,
        **extra,
    )


async def test_channels_open_renew_and_close(sync: GoogleSync, fake_google: FakeGoogle) -> None:
    channels = channels_for(sync)
    await channels.open_missing()
    (first,) = fake_google.channels.values()
    assert first["address"] == "https://frontdesk.example.com/google/notifications"
    await channels.notified(first["id"], first["token"], "exists")
    with pytest.raises(WrongChannelTokenError):
        await channels.notified(first["id"], "wrong", "exists")
    with pytest.raises(UnknownChannelError):
        await channels.notified("fd-unknown", first["token"], "exists")
    await channels.renew()  # expires within 12 hours: replaced
    (second,) = fake_google.channels.values()
    assert second["id"] != first["id"]
    with pytest.raises(UnknownChannelError):
        await channels.notified(first["id"], first["token"], "exists")
    await channels.close()
    assert fake_google.channels == {}


async def test_a_watch_that_failed_is_retried_with_backoff_until_google_answers(
    sync: GoogleSync, fake_google: FakeGoogle
) -> None:
    """Google's token endpoint down at start: no channel, and no crash; the background keeps
    trying, and push works once Google answers again."""
    fake_google.fail("token", *[401] * 3)
    channels = channels_for(sync, reopen_wait=wait_fixed(0.2))
    keeper = asyncio.create_task(channels.keep_open())
    try:
        await asyncio.sleep(0.3)
        assert channels.missing() == [CAL] and fake_google.channels == {}
        for _ in range(200):  # 10 s at most
            if not channels.missing():
                break
            await asyncio.sleep(0.05)
        assert channels.missing() == []
        tokens_asked = [route for route, _ in fake_google.requests].count("token")
        assert tokens_asked >= 4  # three refused, then one that worked
        (opened,) = fake_google.channels.values()
        assert opened["address"].endswith("/google/notifications")
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        await channels.close()


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
