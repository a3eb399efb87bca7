"""The appointment store over a direct Postgres connection (asyncpg). Every operation is one
call of a SQL function from supabase/migrations, so this store and the Supabase one share it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import asyncpg
from asyncpg.exceptions import DeadlockDetectedError, SerializationError

from agent_tools.fairness import Load
from agent_tools.ports import (
    Appointment,
    Booking,
    Occupancy,
    Owner,
    Placement,
    Reservation,
    StoreUnavailableError,
)
from app.db import rows
from app.db.kept_occupancy import KeptOccupancy
from app.db.span_cache import SpanCache
from app.journal import ToolCallRecord
from app.retry import DEADLOCK

# Stale pending reservations of the same intent older than this are abandoned work.
STALE_PENDING_SECONDS = 60


async def create_pool(
    url: str, *, statement_cache: bool = True, max_size: int = 10
) -> asyncpg.Pool:
    """A pool whose connections read and write jsonb as Python values. Behind a pooler in
    transaction mode (Supabase's port 6543) prepared statements must be off."""

    async def init(connection: asyncpg.Connection) -> None:
        await connection.set_type_codec(
            "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )

    pool: asyncpg.Pool = await asyncpg.create_pool(
        url,
        min_size=1,
        max_size=max_size,
        init=init,
        reset=_nothing_to_reset,
        statement_cache_size=100 if statement_cache else 0,
        command_timeout=5,
    )
    return pool


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """What a connection returned to the pool is reset with: nothing, because no use leaves
    session state behind. Settings are set per transaction (``set_config(..., true)``),
    advisory locks are transaction locks, no pooled connection LISTENs, and no cursor outlives
    its transaction; asyncpg still rolls back a transaction left open before calling this.
    The default (``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``) was one more
    round trip on every release: 3.1% of the app's CPU under a mixed find/book load
    (docs/operations.md, "Search speed")."""


@asynccontextmanager
async def _faults() -> AsyncIterator[None]:
    """Connection trouble becomes StoreUnavailableError: the caller hears "try again"."""
    try:
        yield
    except (
        OSError,
        TimeoutError,
        asyncpg.PostgresConnectionError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
        asyncpg.exceptions.AdminShutdownError,
    ) as e:
        raise StoreUnavailableError(type(e).__name__) from e


def _rolled_back(error: BaseException) -> bool:
    return isinstance(error, DeadlockDetectedError | SerializationError)


class PostgresAppointmentStore:
    def __init__(self, pool: asyncpg.Pool, cache: SpanCache | None = None) -> None:
        self._pool = pool
        self._cache = cache

    async def _value(self, sql: str, *args: Any) -> Any:
        try:  # the first attempt without the retry machinery: it is the hot path
            async with _faults():
                return await self._pool.fetchval(sql, *args)
        except (DeadlockDetectedError, SerializationError):
            pass
        async for attempt in DEADLOCK.retrying(_rolled_back):
            with attempt:
                async with _faults():
                    return await self._pool.fetchval(sql, *args)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _change(self, sql: str, *args: Any) -> Any:
        """A write to appointments; it moves the business's data version on (span_cache.py)."""
        return await self._value(sql, *args)

    async def occupancy(
        self,
        business_id: str,
        calendar_ids: Sequence[str],
        room_units: Sequence[str],
        start: datetime,
        end: datetime,
        *,
        except_id: str | None = None,
    ) -> Occupancy:
        async def fetch(low: datetime, high: datetime) -> KeptOccupancy:
            async with _faults():
                # One row per calendar and room unit, its spans (and their appointments) as
                # arrays in one order: decoding thousands of rows one by one was most of a
                # read's CPU.
                found = await self._pool.fetch(
                    "select kind, key, array_agg(id order by s, e) as ids,"
                    " array_agg(s order by s, e) as s, array_agg(e order by s, e) as e"
                    " from fd_blocked_each_by_id($1, $2, $3, $4, $5, $6) group by kind, key",
                    business_id,
                    list(calendar_ids),
                    list(room_units),
                    low,
                    high,
                    except_id,
                )
            return KeptOccupancy.of_rows(found, calendar_ids, room_units)

        if self._cache is None or except_id is not None:  # a move's search reads for itself
            return (await fetch(start, end)).occupancy

        async def catch_up(
            kept: KeptOccupancy, since: int, low: datetime, high: datetime
        ) -> tuple[KeptOccupancy, int] | None:
            async with _faults():
                changes = await self._pool.fetchval(
                    "select fd_blocked_changes($1, $2, $3, $4, $5, $6)",
                    business_id,
                    list(calendar_ids),
                    list(room_units),
                    low,
                    high,
                    since,
                )
            return kept.changed(changes, since)

        key = ("occupancy", business_id, tuple(calendar_ids), tuple(room_units))
        kept = await self._cache.get(
            key, start, end, fetch, business_id, part="appointments", catch_up=catch_up
        )
        if kept is None:  # pragma: no cover
            raise AssertionError("unreachable: fetch never answers None")
        return kept.occupancy

    async def count_by_day(
        self,
        business_id: str,
        calendar_ids: Sequence[str],
        start: datetime,
        end: datetime,
        zone: str,
        *,
        except_id: str | None = None,
    ) -> dict[str, dict[date, int]]:
        async with _faults():
            found = await self._pool.fetch(
                "select calendar, day, n from fd_count_by_day_each($1, $2, $3, $4, $5, $6)",
                business_id,
                list(calendar_ids),
                start,
                end,
                zone,
                except_id,
            )
        return rows.counts_by_day([dict(r) for r in found])

    async def staff_load(
        self, business_id: str, calendar_ids: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, Load]:
        async with _faults():
            found = await self._pool.fetch(
                "select calendar, minutes, last_assigned from fd_staff_load($1, $2, $3, $4)",
                business_id,
                list(calendar_ids),
                start,
                end,
            )
        return rows.staff_loads([dict(r) for r in found])

    async def reserve(self, booking: Booking) -> Reservation:
        result = await self._change(
            "select fd_reserve($1::jsonb, $2)", rows.booking_json(booking), STALE_PENDING_SECONDS
        )
        return rows.reservation(result)

    async def by_intent(self, business_id: str, intent_key: str) -> Appointment | None:
        found = await self._value("select fd_by_intent($1, $2)", business_id, intent_key)
        return rows.maybe_appointment(found)

    async def confirm(self, appointment_id: str) -> Appointment | None:
        return rows.maybe_appointment(await self._change("select fd_confirm($1)", appointment_id))

    async def release(self, appointment_id: str, reason: str, *, calendar_clean: bool) -> None:
        await self._change("select fd_release($1, $2, $3)", appointment_id, reason, calendar_clean)

    async def get(self, appointment_id: str) -> Appointment | None:
        return rows.maybe_appointment(await self._value("select fd_get($1)", appointment_id))

    async def find_owned(
        self, business_id: str, owner: Owner, after: datetime, appointment_id: str | None = None
    ) -> list[Appointment]:
        found = await self._value(
            "select fd_find_owned($1, $2, $3, $4, $5, $6, $7)",
            business_id,
            owner.verified_phone,
            owner.phone,
            owner.email,
            owner.name_key,
            after,
            appointment_id,
        )
        return [rows.appointment(r) for r in found]

    async def move(
        self,
        appointment_id: str,
        start: datetime,
        end: datetime,
        blocked: tuple[datetime, datetime],
        *,
        calendar_clean: bool,
        place: Placement | None = None,
    ) -> Appointment | None:
        moved = rows.relocation_json(
            appointment_id, start, end, blocked, calendar_clean=calendar_clean, place=place
        )
        return rows.moved(await self._change("select fd_relocate($1::jsonb)", moved))

    async def cancel(
        self, appointment_id: str, reason: str, *, calendar_clean: bool
    ) -> Appointment | None:
        result = await self._change(
            "select fd_cancel($1, $2, $3)", appointment_id, reason, calendar_clean
        )
        return rows.maybe_appointment(result)

    async def mark_unsynced(self, appointment_id: str) -> None:
        await self._value("select fd_mark_unsynced($1)", appointment_id)

    async def mark_synced(self, appointment: Appointment) -> bool:
        return bool(
            await self._value(
                "select fd_mark_synced($1, $2)", appointment.appointment_id, appointment.updated_at
            )
        )

    async def claim_unsettled(
        self, business_id: str, grace_seconds: int, limit: int
    ) -> list[Appointment]:
        found = await self._value(
            "select fd_claim_unsettled($1, $2, $3)", business_id, grace_seconds, limit
        )
        return [rows.appointment(r) for r in found or []]

    # -- call records (app.journal) ------------------------------------------------------

    async def record_call_event(
        self, business_id: str, event: str, payload: dict[str, Any]
    ) -> None:
        await self._value(
            "select fd_record_call_event($1, $2, $3::jsonb)", business_id, event, payload
        )

    async def record_tool_calls(self, records: list[ToolCallRecord]) -> None:
        await self._value(
            "select fd_record_tool_calls_of($1::jsonb)", rows.tool_calls_json(records)
        )

    async def caller(
        self, business_id: str, phone: str, after: datetime
    ) -> tuple[str | None, Appointment | None]:
        found = await self._value("select fd_caller($1, $2, $3)", business_id, phone, after)
        return found["name"], rows.maybe_appointment(found["next"])

    async def call_trace(self, business_id: str, call_id: str) -> dict[str, Any]:
        trace: dict[str, Any] = await self._value(
            "select fd_call_trace($1, $2)", business_id, call_id
        )
        return trace

    async def appointments_between(
        self, business_id: str, start: datetime, end: datetime
    ) -> list[Appointment]:
        found = await self._value(
            "select fd_appointments_between($1, $2, $3)", business_id, start, end
        )
        return [rows.appointment(r) for r in found]
