"""Two instances over one Postgres and Redis: each keeps the busy time of its searches, and on
Google their answers, in memory, yet a change made through either (or straight in the
database, or by staff in Google and synced by the other) shows in the very next search on both
(issue 16)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import pytest

from app.settings import Settings
from tests.e2e.conftest import (
    RetellClient,
    eventually,
    notify,
    retell_call,
    running,
    settings_for,
)
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving

GOOGLE_CAL = "fresh-bookings@group.calendar.google.com"

WHEN = {"service": "checkup", "when": "2027-03-11", "limit": 1}


@pytest.fixture(scope="module")
def two_instances(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RetellClient, RetellClient]]:
    first = settings_for(database_url, tmp_path_factory.mktemp("a"), redis_url)
    # Each has its own local calendar: what B knows of A's bookings comes from Postgres alone.
    second = settings_for(database_url, tmp_path_factory.mktemp("b"), redis_url)
    with running(first) as a_url, running(second) as b_url:
        a, b = RetellClient(a_url), RetellClient(b_url)
        yield a, b
        a.http.close()
        b.http.close()


def first_slot(client: RetellClient) -> str:
    return str(client.tool("find_slots", WHEN)["slots"][0]["start"])


def book_first_slot(client: RetellClient, call_id: str) -> dict[str, Any]:
    """Search and book the first slot offered, through ``client``; the booking's reply."""
    found = client.tool("find_slots", WHEN)
    booked: dict[str, Any] = client.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Ada Lovelace"},
        call=retell_call(call_id),
    )
    return booked


def offers(client: RetellClient, start: str) -> bool:
    """Whether ``start`` is offered: a search from that very time finds it first."""
    found = client.tool("find_slots", {**WHEN, "when": start[:16]})
    return bool(found["slots"]) and found["slots"][0]["start"] == start


async def test_a_booking_on_one_instance_shows_in_the_next_search_on_the_other(
    two_instances: tuple[RetellClient, RetellClient], clean_pool: asyncpg.Pool
) -> None:
    a, b = two_instances
    offered_by_b = first_slot(b)  # B now keeps this day's busy time
    assert first_slot(b) == offered_by_b
    booked = book_first_slot(a, "call_fresh")
    assert booked["ok"] and booked["appointment"]["start"] == offered_by_b
    assert first_slot(b) != offered_by_b  # at once, no waiting
    assert first_slot(a) != offered_by_b


async def test_a_change_made_straight_in_the_database_shows_at_once(
    two_instances: tuple[RetellClient, RetellClient], clean_pool: asyncpg.Pool
) -> None:
    a, b = two_instances
    found = a.tool("find_slots", WHEN)
    booked = a.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Grace Hopper"},
        call=retell_call("call_fresh_2", "+14155550177"),
    )
    start = booked["appointment"]["start"]
    assert not offers(b, start)
    await clean_pool.execute(
        "update appointments set status = 'cancelled' where id = $1",
        booked["appointment"]["appointment_id"],
    )
    assert offers(b, start)  # B's calendar never had the event: only Postgres said busy


@pytest.fixture(scope="module")
def two_on_google(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FakeGoogle, RetellClient, RetellClient, str]]:
    """Two instances on one Google calendar, where searches' answers are kept in memory (the
    mirror and our appointments are both versioned). Only A hears Google's notifications."""
    fake = FakeGoogle()
    fake.events[GOOGLE_CAL] = {}
    with serving(fake.app()) as google_url:
        account = make_service_account(google_url)

        def on_google(data: str, *, pushed: bool) -> Settings:
            base = settings_for(database_url, tmp_path_factory.mktemp(data), redis_url)
            return replace(
                base,
                google_calendar_ids=(GOOGLE_CAL,),
                google_credentials=account,
                google_api_base_url=google_url,
                google_poll_seconds=3600,  # only A's notifications sync
                public_base_url=f"http://127.0.0.1:{base.port}" if pushed else None,
            )

        with (
            running(on_google("ga", pushed=True)) as a_url,
            running(on_google("gb", pushed=False)) as b_url,
        ):
            deadline = time.monotonic() + 10  # A opens its channel in the background
            while not fake.channels and time.monotonic() < deadline:
                time.sleep(0.05)
            a, b = RetellClient(a_url), RetellClient(b_url)
            yield fake, a, b, a_url
            a.http.close()
            b.http.close()


def kept_hits(client: RetellClient) -> float:
    text = client.http.get("/metrics").text
    found = re.search(r'^frontdesk_kept_answers_total\{outcome="hit"\} ([\d.e+]+)$', text, re.M)
    return float(found[1]) if found else 0.0


async def test_kept_answers_follow_a_staff_edit_synced_by_the_other_instance(
    two_on_google: tuple[FakeGoogle, RetellClient, RetellClient, str], clean_pool: asyncpg.Pool
) -> None:
    fake, _, b, a_url = two_on_google
    offered = first_slot(b)
    hits = kept_hits(b)
    assert first_slot(b) == offered
    assert kept_hits(b) > hits  # B answered from memory

    # Staff put a meeting over that time in Google; A hears of it and syncs the mirror.
    begins = datetime.fromisoformat(offered)
    fake.put_event(
        GOOGLE_CAL,
        {
            "id": "staffmeeting",
            "start": {"dateTime": begins.isoformat()},
            "end": {"dateTime": (begins + timedelta(hours=1)).isoformat()},
        },
    )
    assert notify(a_url, fake, GOOGLE_CAL) == 200
    synced = "select count(*) from calendar_mirror where event_id = 'staffmeeting'"
    assert await eventually(clean_pool, synced, expect=1) == 1
    assert first_slot(b) != offered  # B's very next search, though it kept the old answer


async def test_kept_answers_follow_a_booking_through_the_other_instance(
    two_on_google: tuple[FakeGoogle, RetellClient, RetellClient, str], clean_pool: asyncpg.Pool
) -> None:
    _, a, b, _ = two_on_google
    offered = first_slot(b)
    assert first_slot(b) == offered  # kept by B
    booked = book_first_slot(a, "call_fresh_google")
    assert booked["ok"] and booked["appointment"]["start"] == offered
    assert first_slot(b) != offered
