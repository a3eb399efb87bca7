"""The calendar mirror and push channels in Postgres: every operation is one call of a SQL
function (supabase/migrations/*_calendar_mirror_functions.sql and *_google_sync.sql)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from app.db.faults import store_faults
from app.db.span_cache import SpanCache
from calendar_adapter.google import EventChange
from calendar_adapter.protocol import BusyByCalendar

LEASE_SECONDS = 30


@dataclass(frozen=True, slots=True)
class KnownChannel:
    calendar_id: str
    token: str


class PostgresMirror:
    """Busy time per calendar (read by the Google adapter), sync state, and channels.
    Connection trouble is :class:`StoreUnavailableError`, as everywhere in the store."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        business_id: str,
        fresh_seconds: int,
        cache: SpanCache | None = None,
    ) -> None:
        self._pool = pool
        self._business = business_id
        self._fresh = fresh_seconds
        self._cache = cache

    async def _value(self, sql: str, *args: Any) -> Any:
        async with store_faults():
            return await self._pool.fetchval(sql, *args)

    async def busy(
        self, calendar_ids: Sequence[str], start: datetime, end: datetime
    ) -> BusyByCalendar | None:
        """None when the copy is not fresh (then Google is asked); a fresh copy may be kept in
        memory until the mirror changes (app/db/span_cache.py), for ``ttl_seconds`` at most, so
        what is read for keeping must stay fresh that much longer: a kept copy is never older
        than the mirror's freshness allows."""
        fresh = self._fresh
        if self._cache is not None:
            fresh = max(1, int(self._fresh - self._cache.ttl_seconds))

        async def fetch(low: datetime, high: datetime) -> BusyByCalendar | None:
            found = await self._value(
                "select fd_mirror_busy_each($1, $2, $3, $4, $5)",
                self._business,
                list(calendar_ids),
                low,
                high,
                fresh,
            )
            if not found["fresh"]:
                return None
            busy: BusyByCalendar = {calendar_id: [] for calendar_id in calendar_ids}
            for calendar_id, s, e in found["spans"]:
                busy.setdefault(calendar_id, []).append((s, e))
            return busy

        if self._cache is None:
            return await fetch(start, end)
        return await self._cache.get(
            ("mirror", self._business, tuple(calendar_ids)),
            start,
            end,
            fetch,
            self._business,
            part="mirror",
        )

    async def sync_token(self, calendar_id: str) -> str | None:
        token: str | None = await self._value(
            "select fd_mirror_sync_token($1, $2)", self._business, calendar_id
        )
        return token

    async def lease(self, calendar_id: str) -> bool:
        return bool(
            await self._value(
                "select fd_sync_lease($1, $2, $3)", self._business, calendar_id, LEASE_SECONDS
            )
        )

    async def release(self, calendar_id: str) -> None:
        await self._value("select fd_sync_release($1, $2)", self._business, calendar_id)

    async def save(
        self, calendar_id: str, changes: list[EventChange], token: str, *, full: bool
    ) -> None:
        await self._value(
            "select fd_mirror_save($1, $2, $3, $4, $5)",
            self._business,
            calendar_id,
            [_change_json(c) for c in changes],
            token,
            full,
        )

    async def booked_before(
        self, calendar_id: str, after: datetime, listed_at: datetime
    ) -> list[tuple[str, str]]:
        """(appointment id, event id) of booked, in-step appointments on the calendar ending
        after ``after`` and last changed before ``listed_at``."""
        found = await self._value(
            "select fd_mirror_booked_before($1, $2, $3, $4)",
            self._business,
            calendar_id,
            after,
            listed_at,
        )
        return [(appointment_id, event_id) for appointment_id, event_id in found]

    async def channel(self, channel_id: str) -> KnownChannel | None:
        found = await self._value("select fd_channel($1, $2)", self._business, channel_id)
        return None if found is None else KnownChannel(found["calendar_id"], found["token"])

    async def keep_channel(
        self, channel_id: str, calendar_id: str, resource_id: str, token: str, expires: datetime
    ) -> None:
        await self._value(
            "select fd_keep_channel($1, $2, $3, $4, $5, $6)",
            self._business,
            channel_id,
            calendar_id,
            resource_id,
            token,
            expires,
        )

    async def forget_channel(self, channel_id: str) -> None:
        await self._value("select fd_forget_channel($1)", channel_id)


def _change_json(change: EventChange) -> dict[str, Any]:
    return {
        "event_id": change.event_id,
        "cancelled": change.cancelled,
        "start": change.start.isoformat() if change.start else None,
        "end": change.end.isoformat() if change.end else None,
        "busy": change.busy,
        "appointment_id": change.appointment_id,
    }


async def channel_business(pool: asyncpg.Pool, channel_id: str) -> str | None:
    """Which business opened a push channel (a notification names only the channel)."""
    found: str | None = await pool.fetchval(
        "select business_id from calendar_channels where channel_id = $1 and expires_at > now()",
        channel_id,
    )
    return found
