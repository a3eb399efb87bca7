"""Keeping our copy of the Google calendars current, and respecting what staff change by hand.

- The mirror (``calendar_mirror`` in Postgres, shared by every instance) holds busy time, so
  find_slots answers without a Google round trip while it is fresh; stale, the adapter falls
  back to freeBusy. Bookings always check the exact slot against Google (``live``).
- Sync is incremental (sync tokens; a 410 means a full resync). It runs when Google pushes a
  notification, and on a safety poll because notifications can be late or lost. One sync per
  calendar at a time: in-process by a lock (a notification during a sync queues one more
  pass), across instances by a lease row.
- An event we created that staff moved or deleted moves or cancels our appointment, and says so
  in the log (``calendar.appointment_moved`` / ``calendar.appointment_cancelled``).
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog

from agent_tools.business import Business
from agent_tools.ports import AppointmentStore, SlotConflictError
from calendar_adapter.google import EventChange, GoogleCalendar, SyncTokenExpiredError
from calendar_adapter.protocol import BusySpan, CalendarUnavailableError

log = structlog.get_logger("frontdesk.google_sync")

_LEASE_SECONDS = 30
_FULL_SYNC_LOOKBACK = timedelta(days=1)
_RENEW_BEFORE = timedelta(hours=12)


class PostgresMirror:
    def __init__(self, pool: asyncpg.Pool, business_id: str, fresh_seconds: int) -> None:
        self._pool = pool
        self._business = business_id
        self._fresh = fresh_seconds

    async def busy(
        self, calendar_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[BusySpan] | None:
        found = await self._pool.fetchval(
            "select fd_mirror_busy($1, $2, $3, $4, $5)",
            self._business,
            list(calendar_ids),
            start,
            end,
            self._fresh,
        )
        if not found["fresh"]:
            return None
        return [(s, e) for s, e in found["spans"]]

    async def sync_token(self, calendar_id: str) -> str | None:
        token: str | None = await self._pool.fetchval(
            "select sync_token from calendar_sync where business_id = $1 and calendar_id = $2",
            self._business,
            calendar_id,
        )
        return token

    async def lease(self, calendar_id: str) -> bool:
        return bool(
            await self._pool.fetchval(
                "select fd_sync_lease($1, $2, $3)", self._business, calendar_id, _LEASE_SECONDS
            )
        )

    async def save(
        self, calendar_id: str, changes: list[EventChange], token: str, *, full: bool
    ) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            if full:
                await connection.execute(
                    "delete from calendar_mirror where business_id = $1 and calendar_id = $2",
                    self._business,
                    calendar_id,
                )
            gone = [c.event_id for c in changes if c.cancelled or c.start is None]
            await connection.execute(
                "delete from calendar_mirror where business_id = $1 and calendar_id = $2"
                " and event_id = any($3)",
                self._business,
                calendar_id,
                gone,
            )
            await connection.executemany(
                "insert into calendar_mirror (business_id, calendar_id, event_id, starts_at,"
                " ends_at, busy, appointment_id) values ($1, $2, $3, $4, $5, $6, $7)"
                " on conflict (business_id, calendar_id, event_id) do update set"
                " starts_at = excluded.starts_at, ends_at = excluded.ends_at,"
                " busy = excluded.busy, appointment_id = excluded.appointment_id,"
                " updated_at = now()",
                [
                    (
                        self._business,
                        calendar_id,
                        c.event_id,
                        c.start,
                        c.end,
                        c.busy,
                        c.appointment_id,
                    )
                    for c in changes
                    if not c.cancelled and c.start and c.end
                ],
            )
            await connection.execute(
                "update calendar_sync set sync_token = $3, synced_at = now(), lease_until = null"
                " where business_id = $1 and calendar_id = $2",
                self._business,
                calendar_id,
                token,
            )

    async def booked_before(
        self, calendar_id: str, after: datetime, listed_at: datetime
    ) -> list[tuple[str, str]]:
        """(appointment id, event id) of booked, in-step appointments on the calendar ending
        after ``after`` and last changed before ``listed_at``."""
        found = await self._pool.fetch(
            "select a.id, a.calendar_event_id from appointments a"
            " join calendars c on c.id = a.calendar_id"
            " where c.business_id = $1 and c.external_id = $2 and a.status = 'booked'"
            " and a.calendar_synced and a.ends_at > $3 and a.updated_at < $4"
            " and a.calendar_event_id is not null",
            self._business,
            calendar_id,
            after,
            listed_at,
        )
        return [(r["id"], r["calendar_event_id"]) for r in found]

    async def channel(self, channel_id: str) -> tuple[str, str] | None:
        row = await self._pool.fetchrow(
            "select calendar_id, token from calendar_channels where channel_id = $1"
            " and business_id = $2 and expires_at > now()",
            channel_id,
            self._business,
        )
        return None if row is None else (row["calendar_id"], row["token"])

    async def keep_channel(
        self, channel_id: str, calendar_id: str, resource_id: str, token: str, expires: datetime
    ) -> None:
        await self._pool.execute(
            "insert into calendar_channels (channel_id, business_id, calendar_id, resource_id,"
            " token, expires_at) values ($1, $2, $3, $4, $5, $6)",
            channel_id,
            self._business,
            calendar_id,
            resource_id,
            token,
            expires,
        )

    async def forget_channel(self, channel_id: str) -> None:
        await self._pool.execute("delete from calendar_channels where channel_id = $1", channel_id)


@dataclass
class _CalendarState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    again: bool = False


@dataclass
class _OurChannel:
    channel_id: str
    calendar_id: str
    resource_id: str
    expires_at: datetime


class GoogleSync:
    def __init__(
        self,
        google: GoogleCalendar,
        mirror: PostgresMirror,
        store: AppointmentStore,
        business: Business,
    ) -> None:
        self.google = google
        self.mirror = mirror
        self._store = store
        self._business = business
        self._states: dict[str, _CalendarState] = {}
        self._channels: list[_OurChannel] = []
        self._background: set[asyncio.Task[None]] = set()
        self.last_synced: dict[str, float] = {}  # calendar id -> POSIX time (for metrics)
        self._address = ""
        self._ttl = 0

    @property
    def calendar_ids(self) -> list[str]:
        return self._business.busy_calendar_ids

    # -- sync -------------------------------------------------------------------------------

    async def sync(self, calendar_id: str) -> None:
        """Bring the mirror up to date; a call during a running sync makes it run once more."""
        state = self._states.setdefault(calendar_id, _CalendarState())
        if state.lock.locked():
            state.again = True
            return
        async with state.lock:
            state.again = True
            while state.again:
                state.again = False
                await self._sync_once(calendar_id)

    def sync_soon(self, calendar_id: str) -> None:
        task = asyncio.create_task(self._logged_sync(calendar_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def sync_all(self) -> None:
        for calendar_id in self.calendar_ids:
            await self._logged_sync(calendar_id)

    async def poll_forever(self, every_seconds: float) -> None:
        while True:
            await self.sync_all()
            await self.renew_channels()
            await asyncio.sleep(every_seconds)

    async def drain(self) -> None:
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def _logged_sync(self, calendar_id: str) -> None:
        try:
            await self.sync(calendar_id)
        except CalendarUnavailableError:
            log.warning("google.sync_unavailable", calendar_id=calendar_id)
        except Exception:
            log.exception("google.sync_failed", calendar_id=calendar_id)

    async def _sync_once(self, calendar_id: str) -> None:
        if not await self.mirror.lease(calendar_id):
            return  # another instance is syncing this calendar right now
        token = await self.mirror.sync_token(calendar_id)
        full = token is None
        listed_at = datetime.now(UTC)
        since = listed_at - _FULL_SYNC_LOOKBACK
        try:
            changes, next_token = await self.google.list_changes(calendar_id, token, since)
        except SyncTokenExpiredError:
            log.info("google.full_resync", calendar_id=calendar_id)
            full = True
            changes, next_token = await self.google.list_changes(calendar_id, None, since)
        await self.mirror.save(calendar_id, changes, next_token, full=full)
        self.last_synced[calendar_id] = time.time()
        log.info("google.synced", calendar_id=calendar_id, changes=len(changes), full=full)
        if calendar_id != self._business.calendar_id:
            return
        if full:  # a full listing reports no deletions: our events missing from it were deleted
            listed = {c.event_id for c in changes}
            for appointment_id, event_id in await self.mirror.booked_before(
                calendar_id, since, listed_at
            ):
                if event_id not in listed:
                    changes.append(EventChange(event_id, True, None, None, False, appointment_id))
        for change in changes:
            if change.appointment_id:
                await self._respect(change)

    async def _respect(self, change: EventChange) -> None:
        """Staff moved or deleted one of our events: the appointment follows."""
        appointment = await self._store.get(change.appointment_id or "")
        if appointment is None or appointment.status != "booked":
            return
        if not appointment.calendar_synced:
            return  # our own change is under way; it settles the calendar itself
        if change.cancelled:
            await self._store.cancel(
                appointment.appointment_id, "deleted in the calendar", calendar_clean=True
            )
            log.info("calendar.appointment_cancelled", appointment_id=appointment.appointment_id)
            return
        if change.start is None or change.end is None:
            return
        if (change.start, change.end) == (appointment.start, appointment.end):
            return
        length = appointment.end - appointment.start
        service = self._business.booked_service(appointment.service, length)
        try:
            await self._store.move(
                appointment.appointment_id,
                change.start,
                change.end,
                service.blocked(change.start, change.end),
                calendar_clean=True,
            )
        except SlotConflictError:
            log.warning(
                "calendar.move_conflicts",
                appointment_id=appointment.appointment_id,
                start=change.start.isoformat(),
            )
            return
        log.info(
            "calendar.appointment_moved",
            appointment_id=appointment.appointment_id,
            start=change.start.isoformat(),
        )

    # -- push channels ----------------------------------------------------------------------

    async def notified(self, channel_id: str, token: str, state: str) -> int:
        """HTTP status for a push notification; a sync follows in the background."""
        known = await self.mirror.channel(channel_id)
        if known is None:
            return 404
        calendar_id, expected = known
        if not hmac.compare_digest(expected.encode(), token.encode()):
            return 401
        if state != "sync":  # "sync" only confirms a new channel
            self.sync_soon(calendar_id)
        return 200

    async def open_channels(self, public_base_url: str, ttl_seconds: int) -> None:
        self._address = public_base_url.rstrip("/") + "/google/notifications"
        self._ttl = ttl_seconds
        for calendar_id in self.calendar_ids:
            await self._open(calendar_id)

    async def renew_channels(self) -> None:
        for channel in list(self._channels):
            if channel.expires_at - datetime.now(UTC) < _RENEW_BEFORE:
                await self._open(channel.calendar_id)
                await self._close(channel)

    async def close_channels(self) -> None:
        for channel in list(self._channels):
            await self._close(channel)

    async def _open(self, calendar_id: str) -> None:
        channel_id = "fd-" + secrets.token_hex(12)
        token = secrets.token_urlsafe(32)
        try:
            opened = await self.google.watch(
                calendar_id, channel_id, token, self._address, self._ttl
            )
        except CalendarUnavailableError:
            log.warning("google.watch_failed", calendar_id=calendar_id)
            return
        await self.mirror.keep_channel(
            channel_id, calendar_id, opened.resource_id, token, opened.expires_at
        )
        self._channels.append(
            _OurChannel(channel_id, calendar_id, opened.resource_id, opened.expires_at)
        )
        log.info(
            "google.channel_opened",
            calendar_id=calendar_id,
            expires_at=opened.expires_at.isoformat(),
        )

    async def _close(self, channel: _OurChannel) -> None:
        try:
            await self.google.stop_channel(channel.channel_id, channel.resource_id)
        except CalendarUnavailableError:
            log.warning("google.channel_stop_failed", channel_id=channel.channel_id)
        await self.mirror.forget_channel(channel.channel_id)
        self._channels.remove(channel)
