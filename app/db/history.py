"""Who changed an appointment: the history trigger (supabase/migrations/*_appointment_history.sql)
reads the transaction's ``frontdesk.actor``; changes made here run with it set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

import asyncpg

from agent_tools.ports import AppointmentStore
from app.db.appointments import PostgresAppointmentStore
from app.db.faults import store_faults

CALLER = "caller"
STAFF = "staff"  # an edit made in Google Calendar
OPERATOR = "operator"


@asynccontextmanager
async def acting_as(pool: asyncpg.Pool, actor: str) -> AsyncIterator[AppointmentStore]:
    """The store inside one transaction whose changes the history records as ``actor``'s.
    Transaction-local, so it holds behind a transaction-mode pooler too."""
    async with store_faults(), pool.acquire() as connection, connection.transaction():
        await connection.execute("select set_config('frontdesk.actor', $1, true)", actor)
        # A connection answers fetch/fetchval like the pool: the store runs on it as is.
        yield PostgresAppointmentStore(cast(asyncpg.Pool, connection))
