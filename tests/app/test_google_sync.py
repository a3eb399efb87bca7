"""Sync and push channels against the Calendar v3 stand-in and the real Postgres."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from tenacity import wait_fixed

from agent_tools.business import Business
from agent_tools.ports import AppointmentStore, CallContext, Deps, StoreUnavailableError
from app.db.appointments import PostgresAppointmentStore
from app.db.calendar_mirror import PostgresMirror
from app.db.history import STAFF, acting_as
from app.google_channels import PushChannels, UnknownChannelError, WrongChannelTokenError
from app.google_sync import GoogleSync
from app.logging import configure_logging
from app.tool_calls import run_tool
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials
from tests.conftest import NOW
from tests.fakes.google_calendar import FakeGoogle

CAL = "sync-test@group.calendar.google.com"
CALL = CallContext(call_id="call_sync", from_number="+15551230000")


@pytest.fixture
async def sync(
    google: GoogleCalendar, fake_google: FakeGoogle, clean_pool: asyncpg.Pool, business: Business
) -> AsyncIterator[GoogleSync]:
    await clean_pool.execute("truncate calendar_mirror, calendar_sync, calendar_channels")
    fake_google.events[CAL] = {}
    here = replace(business, calendar_id=CAL)
    mirror = PostgresMirror(clean_pool, here.id, fresh_seconds=60)
    google.mirror = mirror
    engine = GoogleSync(
        google,
        mirror,
        PostgresAppointmentStore(clean_pool),
        here,
        as_staff=lambda: acting_as(clean_pool, STAFF),
    )
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
    assert spans == {CAL: [(int(start.timestamp()), int(start.timestamp()) + 3600)]}
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
        await sync.drain()  # the channel's opening fetched what changed meanwhile
        assert [route for route, _ in fake_google.requests].count("list") == 1
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


# -- staff editing our events in Google ---------------------------------------------------


@dataclass
class Staff:
    """The Google stand-in as staff see it, and a way to book through our own tool."""

    fake: FakeGoogle
    deps: Deps

    async def book(self, start: str) -> tuple[str, dict[str, Any]]:
        """An appointment booked through the tool, and its event as Google holds it."""
        booked = await run_tool(
            "book_appointment",
            {"service": "Cleaning", "start": start, "name": "Ada"},
            CALL,
            self.deps,
        )
        appointment_id = booked["appointment"]["appointment_id"]
        event = next(
            e
            for e in self.fake.events[CAL].values()
            if e["extendedProperties"]["private"]["frontdesk_appointment"] == appointment_id
        )
        return appointment_id, event


@pytest.fixture
def staff(
    sync: GoogleSync, fake_google: FakeGoogle, clean_pool: asyncpg.Pool, business: Business
) -> Staff:
    deps = Deps(
        business=replace(business, calendar_id=CAL),
        calendar=sync.google,
        store=PostgresAppointmentStore(clean_pool),
        clock=lambda: NOW,
    )
    return Staff(fake_google, deps)


def at(text: str) -> dict[str, str]:
    return {"dateTime": text}


async def history(pool: asyncpg.Pool, appointment_id: str) -> list[tuple[str, str]]:
    rows = await pool.fetch(
        "select action, actor from appointment_history where appointment_id = $1 order by id",
        appointment_id,
    )
    return [(r["action"], r["actor"]) for r in rows]


async def test_staff_moving_our_event_moves_the_appointment(
    sync: GoogleSync, staff: Staff, clean_pool: asyncpg.Pool
) -> None:
    appointment_id, event = await staff.book("2027-03-11T09:00")
    await sync.sync(CAL)
    staff.fake.put_event(
        CAL,
        {**event, "start": at("2027-03-12T14:00:00-05:00"), "end": at("2027-03-12T15:00:00-05:00")},
    )
    await sync.sync(CAL)
    starts = await clean_pool.fetchval(
        "select starts_at from appointments where id = $1", appointment_id
    )
    assert starts == datetime(2027, 3, 12, 19, tzinfo=UTC)
    assert (await history(clean_pool, appointment_id))[-1] == ("moved", "staff")
    # The actor was the staff edit's alone: the next change, on the same pool, is the caller's.
    await PostgresAppointmentStore(clean_pool).cancel(appointment_id, "ill", calendar_clean=False)
    assert (await history(clean_pool, appointment_id))[-1] == ("cancelled", "caller")


async def test_staff_touching_our_event_without_moving_it_changes_nothing(
    sync: GoogleSync, staff: Staff, clean_pool: asyncpg.Pool
) -> None:
    appointment_id, event = await staff.book("2027-03-11T09:00")
    await sync.sync(CAL)
    before = await clean_pool.fetchrow("select * from appointments where id = $1", appointment_id)
    staff.fake.put_event(CAL, {**event, "summary": "Cleaning: Ada (bring X-rays)"})
    await sync.sync(CAL)
    after = await clean_pool.fetchrow("select * from appointments where id = $1", appointment_id)
    assert dict(after) == dict(before)
    assert [a for a, _ in await history(clean_pool, appointment_id)] == ["reserved", "booked"]


async def test_staff_deleting_our_event_cancels_the_appointment(
    sync: GoogleSync, staff: Staff, clean_pool: asyncpg.Pool
) -> None:
    appointment_id, event = await staff.book("2027-03-11T09:00")
    await sync.sync(CAL)
    staff.fake.remove_event(CAL, event["id"])
    await sync.sync(CAL)
    row = await clean_pool.fetchrow(
        "select status, cancel_reason from appointments where id = $1", appointment_id
    )
    assert (row["status"], row["cancel_reason"]) == ("cancelled", "deleted in the calendar")
    assert (await history(clean_pool, appointment_id))[-1] == ("cancelled", "staff")


async def test_staff_moving_onto_another_appointment_is_refused_and_logged(
    sync: GoogleSync, staff: Staff, clean_pool: asyncpg.Pool, capsys: pytest.CaptureFixture[str]
) -> None:
    await staff.book("2027-03-11T09:00")
    second, event = await staff.book("2027-03-11T11:00")
    await sync.sync(CAL)
    configure_logging("json", "info")
    nine = {"start": at("2027-03-11T09:00:00-05:00"), "end": at("2027-03-11T10:00:00-05:00")}
    staff.fake.put_event(CAL, {**event, **nine})
    await sync.sync(CAL)
    starts = await clean_pool.fetchval("select starts_at from appointments where id = $1", second)
    assert starts == datetime(2027, 3, 11, 16, tzinfo=UTC)  # still 11:00 in New York
    conflicts = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if '"calendar.move_conflicts"' in line
    ]
    assert [c["appointment_id"] for c in conflicts] == [second]


async def test_a_staff_edit_that_failed_to_apply_is_applied_by_the_next_sync(
    sync: GoogleSync, staff: Staff, clean_pool: asyncpg.Pool
) -> None:
    down = [StoreUnavailableError("the database blinked")]

    @asynccontextmanager
    async def flaky() -> AsyncIterator[AppointmentStore]:
        if down:
            raise down.pop()
        async with acting_as(clean_pool, STAFF) as store:
            yield store

    here = GoogleSync(
        sync.google, sync.mirror, staff.deps.store, staff.deps.business, as_staff=flaky
    )
    appointment_id, event = await staff.book("2027-03-11T09:00")
    await here.sync_all()
    later = {"start": at("2027-03-12T14:00:00-05:00"), "end": at("2027-03-12T15:00:00-05:00")}
    staff.fake.put_event(CAL, {**event, **later})
    await here.sync_all()  # the move fails to apply (logged), the token is not kept
    assert down == []
    await here.sync_all()  # listed again, applied now
    starts = await clean_pool.fetchval(
        "select starts_at from appointments where id = $1", appointment_id
    )
    assert starts == datetime(2027, 3, 12, 19, tzinfo=UTC)
