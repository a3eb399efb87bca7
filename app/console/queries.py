"""What the console reads, straight from Postgres, each a single indexed query over one
business: a day's appointments with how each was made, recent calls with their outcome, and the
appointment a page shows. (Health and insights figures: app.console.figures.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

# How a call went, from what its tool calls did (first that holds wins).
CALL_OUTCOME = """
    case
      when bool_or(t.tool = 'book_appointment' and t.outcome = 'ok') then 'booked'
      when bool_or(t.tool = 'reschedule_appointment' and t.outcome = 'ok') then 'rescheduled'
      when bool_or(t.tool = 'cancel_appointment' and t.outcome = 'ok') then 'cancelled'
      when bool_or(t.tool = 'take_message' and t.outcome = 'ok') then 'message taken'
      when bool_or(c.disconnection_reason like '%transfer%') then 'transferred'
      when bool_or(t.tool = 'find_slots' and t.outcome in ('none_found', 'no_slots'))
        then 'no time found'
      when bool_or(t.outcome like 'unclear%') then 'unclear'
      when count(t.id) = 0 and bool_or(c.ended_at is not null) then 'abandoned'
      when count(t.id) = 0 then 'in progress'
      else 'no change'
    end
"""


@dataclass(frozen=True)
class DayAppointment:
    appointment_id: str
    service: str
    start: datetime
    end: datetime
    status: str
    customer_name: str
    customer_phone: str | None
    staff_id: str | None
    made_by: str  # call | staff in Google | operator
    call_id: str | None

    @property
    def sort_key(self) -> str:
        return self.start.isoformat()


_MADE_BY = {"caller": "call", "staff": "staff in Google", "operator": "operator"}


async def appointments_between(
    pool: asyncpg.Pool, business_id: str, start: datetime, end: datetime
) -> list[DayAppointment]:
    rows = await pool.fetch(
        """
        select a.id, a.service, a.starts_at, a.ends_at, a.status, a.customer_name,
               a.customer_phone, a.staff_id, a.call_id,
               (select h.actor from appointment_history h
                 where h.appointment_id = a.id order by h.at, h.id limit 1) as first_actor
        from appointments a
        where a.business_id = $1 and a.starts_at >= $2 and a.starts_at < $3
        order by a.starts_at
        """,
        business_id,
        start,
        end,
    )
    return [
        DayAppointment(
            r["id"],
            r["service"],
            r["starts_at"],
            r["ends_at"],
            r["status"],
            r["customer_name"],
            r["customer_phone"],
            r["staff_id"],
            "call" if r["call_id"] else _MADE_BY.get(r["first_actor"] or "", "call"),
            r["call_id"],
        )
        for r in rows
    ]


async def recent_calls(
    pool: asyncpg.Pool, business_id: str, before: datetime | None, limit: int = 50
) -> list[dict[str, Any]]:
    """The newest calls (before ``before``, for paging), with outcome and appointments."""
    rows = await pool.fetch(  # CALL_OUTCOME is a constant: no input reaches the SQL text
        f"""
        with recent as (
            select call_id, from_number, coalesce(started_at, created_at) as at, created_at,
                   duration_ms, disconnection_reason, ended_at
            from calls
            where business_id = $1 and ($2::timestamptz is null or created_at < $2)
            order by created_at desc
            limit $3
        )
        select c.call_id, c.from_number, c.at, c.duration_ms, {CALL_OUTCOME} as outcome,
               array_remove(array_agg(distinct t.appointment_id), null) as appointment_ids
        from recent c left join tool_calls t on t.call_id = c.call_id
        group by c.call_id, c.from_number, c.at, c.created_at, c.duration_ms
        order by c.created_at desc
        """,  # noqa: S608
        business_id,
        before,
        limit,
    )
    return [dict(r) for r in rows]


async def appointment_call(pool: asyncpg.Pool, appointment_id: str) -> str | None:
    """The call that made the appointment, else the last call that changed it."""
    found: str | None = await pool.fetchval(
        """
        select coalesce(a.call_id,
               (select t.call_id from tool_calls t where t.appointment_id = a.id
                 and t.call_id is not null order by t.created_at desc limit 1))
        from appointments a where a.id = $1
        """,
        appointment_id,
    )
    return found


async def business_of_call(pool: asyncpg.Pool, call_id: str) -> str | None:
    found: str | None = await pool.fetchval(
        "select coalesce((select business_id from calls where call_id = $1),"
        " (select business_id from tool_calls where call_id = $1 limit 1))",
        call_id,
    )
    return found
