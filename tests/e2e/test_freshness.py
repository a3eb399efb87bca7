"""Two instances over one Postgres and Redis: each keeps the busy time of its searches in
memory, yet a change made through either (or straight in the database) shows in the very next
search on both (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from tests.e2e.conftest import RetellClient, retell_call, running, settings_for

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
    found = a.tool("find_slots", WHEN)
    booked = a.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Ada Lovelace"},
        call=retell_call("call_fresh"),
    )
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
