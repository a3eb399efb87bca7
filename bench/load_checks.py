"""After a mixed run: no two active appointments overlap on one calendar, in Postgres or in
Google (our events in the stand-in)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from tests.fakes.google_calendar import FakeGoogle


async def double_bookings(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        found: int = await connection.fetchval(
            "select count(*) from appointments a join appointments b"
            " on a.calendar_id = b.calendar_id and a.id < b.id"
            " where a.status <> 'cancelled' and b.status <> 'cancelled'"
            " and a.blocked && b.blocked"
        )
        return found
    finally:
        await connection.close()


def google_overlaps(fake: FakeGoogle) -> int:
    """Pairs of our own live events that overlap in one calendar."""
    overlaps = 0
    for events in fake.events.values():
        ours = sorted(
            (_at(e["start"]), _at(e["end"]))
            for e in list(events.values())
            if e.get("status") != "cancelled"
            and e.get("extendedProperties", {}).get("private", {}).get("frontdesk_appointment")
        )
        latest_end = None
        for start, end in ours:
            if latest_end is not None and start < latest_end:
                overlaps += 1
            latest_end = end if latest_end is None else max(latest_end, end)
    return overlaps


def _at(moment: dict[str, str]) -> datetime:
    return datetime.fromisoformat(moment["dateTime"])
