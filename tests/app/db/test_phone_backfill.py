"""Numbers stored the local way before E.164 are rewritten once, so a caller ringing back from
their caller ID finds the appointments booked under the local form."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

import asyncpg

from agent_tools.ports import Owner
from app.db.appointments import PostgresAppointmentStore
from app.db.phone_backfill import normalise_stored_phones
from tests.app.db.test_appointments import EARLIER, NINE, booking


async def test_stored_local_numbers_become_e164_and_duplicates_merge(
    clean_pool: asyncpg.Pool,
) -> None:
    business = f"shop-{secrets.token_hex(3)}"
    store = PostgresAppointmentStore(clean_pool)
    said = ["07700900555", "+447700900555", "07700 900555", "not a number"]
    for index, phone in enumerate(said):
        start = NINE + timedelta(hours=2 * index)
        reserved = await store.reserve(
            replace(
                booking(index, start),
                business_id=business,
                customer_phone=phone,
                caller_phone=phone,  # booked from that number, as stored before E.164
            )
        )
        await store.confirm(reserved.appointment.appointment_id)
    async with clean_pool.acquire() as connection:
        assert (
            await normalise_stored_phones(connection, business, "GB") == 4
        )  # 2 rows + 2 customers
        assert await normalise_stored_phones(connection, business, "GB") is None  # once
        assert await normalise_stored_phones(connection, business, None) is None
    phones = await clean_pool.fetch(
        "select customer_phone from appointments where business_id = $1 order by starts_at",
        business,
    )
    assert [r["customer_phone"] for r in phones] == [
        "+447700900555",
        "+447700900555",
        "+447700900555",
        "not a number",
    ]
    customers = await clean_pool.fetch(
        "select phone from customers where business_id = $1 order by phone", business
    )
    assert [r["phone"] for r in customers] == ["+447700900555", "not a number"]
    orphans = await clean_pool.fetchval(
        "select count(*) from appointments a where business_id = $1 and customer_id is not null"
        " and not exists (select 1 from customers c where c.id = a.customer_id)",
        business,
    )
    assert orphans == 0
    found = await store.find_owned(business, Owner(verified_phone="+447700900555"), EARLIER)
    assert len(found) == 3
