"""The appointment store on Postgres (asyncpg), implementing agent_tools.ports.AppointmentStore."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg
from asyncpg.exceptions import ExclusionViolationError
from asyncpg.types import Range

from agent_tools.ports import Appointment, Booking, SlotConflictError
from calendar_adapter.protocol import BusySpan

# Every statement returns these, so a write and its read are one round trip.
_RETURNING = (
    "returning id, business_id, (select external_id from calendars c where c.id = calendar_id)"
    " as external_id, service, starts_at, ends_at, status, customer_name, calendar_event_id"
)


class PostgresAppointmentStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._calendar_ids: dict[tuple[str, str], int] = {}

    async def blocked(
        self, business_id: str, calendar_id: str, start: datetime, end: datetime
    ) -> list[BusySpan]:
        key = await self._calendar_key(business_id, calendar_id)
        rows = await self._pool.fetch(
            "select extract(epoch from lower(blocked))::bigint as s,"
            " extract(epoch from upper(blocked))::bigint as e from appointments"
            " where calendar_id = $1 and status <> 'cancelled' and blocked && tstzrange($2, $3)",
            key,
            start,
            end,
        )
        return [(r["s"], r["e"]) for r in rows]

    async def count_by_day(
        self, business_id: str, calendar_id: str, start: datetime, end: datetime, zone: str
    ) -> dict[date, int]:
        key = await self._calendar_key(business_id, calendar_id)
        rows = await self._pool.fetch(
            "select (starts_at at time zone $4)::date as day, count(*) as n from appointments"
            " where calendar_id = $1 and status <> 'cancelled' and starts_at >= $2"
            " and starts_at < $3 group by 1",
            key,
            start,
            end,
            zone,
        )
        return {r["day"]: r["n"] for r in rows}

    async def reserve(self, booking: Booking) -> Appointment:
        key = await self._calendar_key(booking.business_id, booking.calendar_id)
        try:
            row = await self._pool.fetchrow(
                "insert into appointments (id, business_id, calendar_id, service, starts_at,"
                " ends_at, blocked, status, customer_name, customer_phone, customer_email, notes,"
                " call_id) values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $12) "
                + _RETURNING,
                booking.appointment_id,
                booking.business_id,
                key,
                booking.service,
                booking.start,
                booking.end,
                Range(booking.blocked_start, booking.blocked_end),
                booking.customer_name,
                booking.customer_phone,
                booking.customer_email,
                booking.notes,
                booking.call_id,
            )
        except ExclusionViolationError:
            raise SlotConflictError(booking.appointment_id) from None
        return _appointment(row)

    async def confirm(self, appointment_id: str, calendar_event_id: str) -> Appointment:
        row = await self._pool.fetchrow(
            "update appointments set status = 'booked', calendar_event_id = $2,"
            " updated_at = now() where id = $1 " + _RETURNING,
            appointment_id,
            calendar_event_id,
        )
        if row is None:
            raise LookupError(appointment_id)
        return _appointment(row)

    async def release(self, appointment_id: str, reason: str) -> None:
        await self._pool.execute(
            "update appointments set status = 'cancelled', cancel_reason = $2,"
            " updated_at = now() where id = $1",
            appointment_id,
            reason,
        )

    async def _calendar_key(self, business_id: str, calendar_id: str) -> int:
        cache_key = (business_id, calendar_id)
        key = self._calendar_ids.get(cache_key)
        if key is None:
            key = await self._pool.fetchval(
                "insert into calendars (business_id, external_id) values ($1, $2)"
                " on conflict (business_id, external_id) do update"
                " set business_id = excluded.business_id returning id",
                business_id,
                calendar_id,
            )
            self._calendar_ids[cache_key] = key
        return int(key)


def _appointment(row: asyncpg.Record) -> Appointment:
    return Appointment(
        appointment_id=row["id"],
        business_id=row["business_id"],
        calendar_id=row["external_id"],
        service=row["service"],
        start=row["starts_at"],
        end=row["ends_at"],
        status=row["status"],
        customer_name=row["customer_name"],
        calendar_event_id=row["calendar_event_id"],
    )
