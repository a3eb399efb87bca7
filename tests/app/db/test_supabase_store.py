"""The Supabase store at its HTTP boundary: PostgREST's rpc requests and its real error shapes.

No PostgREST runs here, so respx stands in for it; the JSON it answers with is what the very
same SQL function returns on the real local Postgres, so the two stores cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
import respx

from agent_tools.ports import Owner, SlotConflictError, StoreUnavailableError
from app.db import supabase_store
from app.db.supabase_store import SupabaseAppointmentStore
from app.idempotency.records import SupabaseRecords
from tests.app.db.test_appointments import booking

URL = "https://abcdefghijklmnop.supabase.co"
KEY = "sb_secret_test_service_key_0123456789"
RPC = f"{URL}/rest/v1/rpc"
NY = ZoneInfo("America/New_York")


@pytest.fixture
async def store() -> AsyncIterator[SupabaseAppointmentStore]:
    client = await supabase_store.connect(URL, KEY)
    yield SupabaseAppointmentStore(client)


def postgrest_error(
    status: int, code: str, message: str, hint: str | None = None
) -> httpx.Response:
    return httpx.Response(
        status, json={"code": code, "details": None, "hint": hint, "message": message}
    )


@respx.mock
async def test_reserve_calls_the_sql_function_and_reads_its_answer(
    store: SupabaseAppointmentStore, clean_pool: asyncpg.Pool
) -> None:
    real = await clean_pool.fetchval(
        "select fd_reserve($1::jsonb, 60)",
        {
            "id": "apt_real",
            "business_id": "test-dental",
            "calendar_id": "primary",
            "service": "Cleaning",
            "starts_at": "2027-03-11T09:00:00-05:00",
            "ends_at": "2027-03-11T10:00:00-05:00",
            "blocked_start": "2027-03-11T09:00:00-05:00",
            "blocked_end": "2027-03-11T10:10:00-05:00",
            "customer_name": "Ada",
            "calendar_event_id": "fdreal",
        },
    )
    route = respx.post(f"{RPC}/fd_reserve").mock(return_value=httpx.Response(200, json=real))
    reservation = await store.reserve(booking(1))
    assert reservation.outcome == "created"
    assert reservation.appointment.start == datetime(2027, 3, 11, 9, tzinfo=NY)
    sent = route.calls.last.request
    assert sent.headers["apikey"] == KEY
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = json.loads(sent.content)
    assert body["p_stale_seconds"] == 60
    assert body["p"]["id"] == "apt_test1"
    assert body["p"]["starts_at"] == "2027-03-11T09:00:00-05:00"


@respx.mock
async def test_a_conflict_answer_is_a_slot_conflict(store: SupabaseAppointmentStore) -> None:
    respx.post(f"{RPC}/fd_reserve").mock(
        return_value=httpx.Response(200, json={"outcome": "conflict"})
    )
    with pytest.raises(SlotConflictError):
        await store.reserve(booking(1))


@respx.mock
async def test_busy_spans_and_owned_lookups_read_postgrest_rows(
    store: SupabaseAppointmentStore,
) -> None:
    respx.post(f"{RPC}/fd_blocked_each").mock(
        return_value=httpx.Response(
            200, json=[{"kind": "calendar", "key": "primary", "s": 1804780800, "e": 1804785000}]
        )
    )
    respx.post(f"{RPC}/fd_find_owned").mock(return_value=httpx.Response(200, json=[]))
    nine = datetime(2027, 3, 11, 9, tzinfo=NY)
    found = await store.occupancy("b", ["primary"], ["suite#1"], nine, nine + timedelta(days=1))
    assert found.calendars == {"primary": [(1804780800, 1804785000)]}
    assert found.rooms == {"suite#1": []}
    assert await store.find_owned("b", Owner(verified_phone="+1555"), nine) == []
    sent = json.loads(respx.calls.last.request.content)
    assert sent["p_verified_phone"] == "+1555"
    assert sent["p_id"] is None


@respx.mock
@pytest.mark.parametrize(
    "response",
    [
        # The migrations were not applied: PostgREST cannot find the function.
        postgrest_error(
            404,
            "PGRST202",
            "Could not find the function public.fd_confirm(p_id) in the schema cache",
            "Perhaps you meant to call the function public.fd_get",
        ),
        # A statement timeout inside Postgres.
        postgrest_error(500, "57014", "canceling statement due to statement timeout"),
        # The exclusion constraint, had a function let it escape (PostgREST answers 400).
        postgrest_error(400, "23P01", "conflicting key value violates exclusion constraint"),
    ],
)
async def test_postgrest_errors_become_store_unavailable(
    store: SupabaseAppointmentStore, response: httpx.Response
) -> None:
    respx.post(f"{RPC}/fd_confirm").mock(return_value=response)
    with pytest.raises(StoreUnavailableError):
        await store.confirm("apt_x")


@respx.mock
async def test_network_failures_become_store_unavailable(store: SupabaseAppointmentStore) -> None:
    respx.post(f"{RPC}/fd_get").mock(side_effect=httpx.ConnectTimeout("timed out"))
    with pytest.raises(StoreUnavailableError):
        await store.get("apt_x")


@respx.mock
async def test_idempotency_records_through_the_table_api() -> None:
    client = await supabase_store.connect(URL, KEY)
    records = SupabaseRecords(client)
    table = f"{URL}/rest/v1/idempotency_records"
    upsert = respx.post(table).mock(return_value=httpx.Response(201, json=[]))
    body = {"ok": True, "message": "Booked."}
    await records.keep("k1", "fp", 200, body)
    sent = upsert.calls.last.request
    assert "on_conflict=key" in str(sent.url)
    assert "resolution=ignore-duplicates" in sent.headers["prefer"]
    assert json.loads(json.loads(sent.content)["body"]) == body
    respx.get(table).mock(
        return_value=httpx.Response(
            200, json=[{"fingerprint": "fp", "status_code": 200, "body": json.dumps(body)}]
        )
    )
    assert await records.lookup("k1") == ("fp", 200, body)


@respx.mock
async def test_a_deadlocked_call_runs_again(store: SupabaseAppointmentStore) -> None:
    respx.post(f"{RPC}/fd_confirm").mock(
        side_effect=[
            postgrest_error(500, "40P01", "deadlock detected"),
            httpx.Response(200, content=b"null", headers={"content-type": "application/json"}),
        ]
    )
    assert await store.confirm("apt_x") is None
    assert respx.calls.call_count == 2
