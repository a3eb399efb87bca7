"""The health page's and the insights page's figures, each one query over one business."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

import asyncpg


async def calendars(pool: asyncpg.Pool, business_id: str) -> list[dict[str, Any]]:
    """Each synced calendar: its last sync, its push channel's expiry, its mirror's age."""
    rows = await pool.fetch(
        """
        select s.calendar_id, s.synced_at,
               (select max(c.expires_at) from calendar_channels c
                 where c.business_id = s.business_id and c.calendar_id = s.calendar_id)
                 as channel_expires,
               (select max(m.updated_at) from calendar_mirror m
                 where m.business_id = s.business_id and m.calendar_id = s.calendar_id)
                 as mirror_updated
        from calendar_sync s where s.business_id = $1 order by s.calendar_id
        """,
        business_id,
    )
    return [dict(r) for r in rows]


async def backlogs(pool: asyncpg.Pool, business_id: str) -> dict[str, int]:
    """Appointments waiting for the reconciler (calendar not yet matching)."""
    unsynced = await pool.fetchval(
        "select count(*) from appointments where business_id = $1 and not calendar_synced"
        " and status <> 'pending'",
        business_id,
    )
    return {"reconciler": int(unsynced or 0)}


async def recent_errors(
    pool: asyncpg.Pool, business_id: str, since: datetime
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        """
        select outcome as code, count(*) as count from tool_calls
        where business_id = $1 and created_at >= $2 and outcome not in ('ok', 'none_found')
        group by outcome order by count(*) desc, outcome limit 20
        """,
        business_id,
        since,
    )
    return [dict(r) for r in rows]


async def calls_per_day(
    pool: asyncpg.Pool, business_id: str, since: datetime, zone: tzinfo
) -> list[tuple[date, int, int]]:
    """(local day, calls, calls that booked), for days with calls since ``since``."""
    rows = await pool.fetch(
        """
        select (coalesce(c.started_at, c.created_at) at time zone $3)::date as day,
               count(*) as calls,
               count(*) filter (where exists (
                   select 1 from tool_calls t where t.call_id = c.call_id
                   and t.tool = 'book_appointment' and t.outcome = 'ok')) as booked
        from calls c
        where c.business_id = $1 and c.created_at >= $2
        group by 1 order by 1
        """,
        business_id,
        since,
        str(zone),
    )
    return [(r["day"], r["calls"], r["booked"]) for r in rows]


async def busiest_hours(
    pool: asyncpg.Pool, business_id: str, since: datetime, zone: tzinfo
) -> dict[int, int]:
    rows = await pool.fetch(
        """
        select extract(hour from coalesce(started_at, created_at) at time zone $3)::int as hour,
               count(*) as calls
        from calls where business_id = $1 and created_at >= $2 group by 1
        """,
        business_id,
        since,
        str(zone),
    )
    return {r["hour"]: r["calls"] for r in rows}


async def tool_latency(
    pool: asyncpg.Pool, business_id: str, since: datetime
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        """
        select tool, count(*) as calls,
               percentile_cont(0.5) within group (order by duration_ms) as p50,
               percentile_cont(0.95) within group (order by duration_ms) as p95
        from tool_calls where business_id = $1 and created_at >= $2
        group by tool order by tool
        """,
        business_id,
        since,
    )
    return [dict(r) for r in rows]
