"""The operator's searches over asyncpg and over Supabase's RPC: the same SQL function."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
import respx

from app.db import supabase_store
from app.db.operator_records import OperatorRecords
from app.db.supabase_store import SupabaseAppointmentStore

NY = ZoneInfo("America/New_York")
DAY = (datetime(2027, 3, 10, tzinfo=NY), datetime(2027, 3, 11, tzinfo=NY))
URL = "https://abcdefghijklmnop.supabase.co"


@pytest.fixture
async def calls(clean_pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Pool]:
    await clean_pool.execute("delete from calls where call_id like 'call_records_%'")
    await clean_pool.executemany(
        "insert into calls (call_id, business_id, from_number, started_at) values ($1, $2, $3, $4)",
        [
            ("call_records_1", "test-dental", "+14155550188", datetime(2027, 3, 10, 15, tzinfo=NY)),
            ("call_records_2", "test-dental", "+14155550199", datetime(2027, 3, 10, 16, tzinfo=NY)),
            ("call_records_3", "test-dental", "+14155550188", datetime(2027, 3, 11, 9, tzinfo=NY)),
            ("call_records_4", "other-biz", "+14155550188", datetime(2027, 3, 10, 9, tzinfo=NY)),
        ],
    )
    yield clean_pool
    await clean_pool.execute("delete from calls where call_id like 'call_records_%'")


async def test_calls_are_found_by_the_end_of_the_number_and_the_local_day(
    calls: asyncpg.Pool,
) -> None:
    records = OperatorRecords.over_pool(calls)
    by_both = await records.find_calls("test-dental", "4155550188", *DAY)
    assert [c["call_id"] for c in by_both] == ["call_records_1"]
    by_number = await records.find_calls("test-dental", "14155550188", None, None)
    assert [c["call_id"] for c in by_number] == ["call_records_3", "call_records_1"]  # newest first
    by_day = await records.find_calls("test-dental", None, *DAY)
    assert {c["call_id"] for c in by_day} == {"call_records_1", "call_records_2"}


@respx.mock
async def test_over_supabase_the_same_function_is_asked_with_iso_times(
    calls: asyncpg.Pool,
) -> None:
    real = await OperatorRecords.over_pool(calls).find_calls("test-dental", "4155550188", *DAY)
    route = respx.post(f"{URL}/rest/v1/rpc/fd_find_calls").mock(
        return_value=httpx.Response(200, json=real)
    )
    client = await supabase_store.connect(URL, "sb_secret_test_service_key_0123456789")
    records = OperatorRecords.over_supabase(SupabaseAppointmentStore(client).call)
    assert await records.find_calls("test-dental", "4155550188", *DAY) == real
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "p_business": "test-dental",
        "p_phone": "4155550188",
        "p_from": DAY[0].isoformat(),
        "p_to": DAY[1].isoformat(),
    }
