"""A data migration: phone numbers stored before they were kept in E.164 ("07700900555",
"4155550123") are read in the business's country and rewritten, once per business and country.

Customers are unique per phone number, so a customer whose rewritten number already belongs to
another is merged into that one (its appointments move with it). Numbers that cannot be read
are left as they were and counted in the log.
"""

from __future__ import annotations

import asyncpg
import structlog

from agent_tools.phones import normalise_or_none
from app.db.migrations import LOCK_KEY

log = structlog.get_logger(__name__)

_NOT_E164 = "^[+][0-9]+$"


async def normalise_stored_phones(
    connection: asyncpg.Connection, business_id: str, country: str | None
) -> int | None:
    """Rewrite this business's stored numbers to E.164; the number of rows changed, or None
    when it already ran for this business and country (or there is no country to read with)."""
    if country is None:
        return None
    marker = f"data:phones-e164:{business_id}:{country}"
    async with connection.transaction():
        await connection.execute("select pg_advisory_xact_lock($1)", LOCK_KEY)
        done = await connection.fetchval(
            "select 1 from frontdesk_migrations where name = $1", marker
        )
        if done:
            return None
        changed = await _appointments(connection, business_id, country)
        changed += await _customers(connection, business_id, country)
        await connection.execute("insert into frontdesk_migrations (name) values ($1)", marker)
    log.info("db.phones_normalised", business=business_id, rows=changed)
    return changed


async def _appointments(connection: asyncpg.Connection, business_id: str, country: str) -> int:
    rows = await connection.fetch(
        "select id, customer_phone from appointments"
        " where business_id = $1 and customer_phone !~ $2",
        business_id,
        _NOT_E164,
    )
    updates = [
        (number.e164, row["id"])
        for row in rows
        if (number := normalise_or_none(row["customer_phone"], country))
    ]
    await connection.executemany(
        "update appointments set customer_phone = $1 where id = $2", updates
    )
    if len(updates) < len(rows):
        log.warning("db.phones_unreadable", table="appointments", rows=len(rows) - len(updates))
    return len(updates)


async def _customers(connection: asyncpg.Connection, business_id: str, country: str) -> int:
    rows = await connection.fetch(
        "select id, phone from customers where business_id = $1 and phone !~ $2",
        business_id,
        _NOT_E164,
    )
    changed = 0
    for row in rows:
        number = normalise_or_none(row["phone"], country)
        if number is None:
            continue
        existing = await connection.fetchval(
            "select id from customers where business_id = $1 and phone = $2",
            business_id,
            number.e164,
        )
        if existing is None:
            await connection.execute(
                "update customers set phone = $1 where id = $2", number.e164, row["id"]
            )
        else:
            await connection.execute(
                "update appointments set customer_id = $1 where customer_id = $2",
                existing,
                row["id"],
            )
            await connection.execute("delete from customers where id = $1", row["id"])
        changed += 1
    return changed
