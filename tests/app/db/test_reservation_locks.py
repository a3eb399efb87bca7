"""Reservations racing each other wait for each other, and never deadlock: the first bookings
on calendars nobody has booked before, each taking the business's version before its insert
(migrations 20261127000100, 20261127000200)."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace
from datetime import timedelta

import asyncpg

from app.db import rows
from app.db.appointments import STALE_PENDING_SECONDS
from tests.app.db.test_appointments import NINE, booking


async def test_first_bookings_on_new_calendars_racing_each_other_never_deadlock(
    database_url: str, clean_pool: asyncpg.Pool
) -> None:
    run = uuid.uuid4().hex[:8]  # calendars no earlier run made
    racing = [
        replace(
            booking(n, NINE + timedelta(hours=n % 6), calendar=f"new{n % 8}-{run}@x"),
            max_per_call=3,
            max_per_phone_per_day=3,
            max_per_day_staff=10,
            zone="America/New_York",
        )
        for n in range(48)
    ]
    pool = await asyncpg.create_pool(database_url, min_size=24, max_size=24)
    try:
        # Straight to Postgres: the store would retry a deadlock and hide it.
        results = await asyncio.gather(
            *(
                pool.fetchval(
                    "select fd_reserve($1::jsonb, $2)",
                    json.dumps(rows.booking_json(b)),
                    STALE_PENDING_SECONDS,
                )
                for b in racing
            ),
            return_exceptions=True,
        )
    finally:
        await pool.close()
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    calendars = await clean_pool.fetchval(
        "select count(*) from calendars where external_id like $1", f"%-{run}@x"
    )
    assert calendars == 8
