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

The SQL lives in app/db/calendar_mirror.py, push channels in app/google_channels.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog

from agent_tools.business import Business
from agent_tools.ports import (
    Appointment,
    AppointmentStore,
    SlotConflictError,
    StoreUnavailableError,
)
from app.db.calendar_mirror import PostgresMirror
from calendar_adapter.google import EventChange, GoogleCalendar, SyncTokenExpiredError
from calendar_adapter.protocol import CalendarUnavailableError

log = structlog.get_logger("frontdesk.google_sync")

_FULL_SYNC_LOOKBACK = timedelta(days=1)


StoreScope = Callable[[], AbstractAsyncContextManager[AppointmentStore]]


@asynccontextmanager
async def _same(store: AppointmentStore) -> AsyncIterator[AppointmentStore]:
    yield store


@dataclass
class _CalendarState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    again: bool = False


class GoogleSync:
    def __init__(
        self,
        google: GoogleCalendar,
        mirror: PostgresMirror,
        store: AppointmentStore,
        business: Business,
        *,
        as_staff: StoreScope | None = None,
    ) -> None:
        self.google = google
        self.mirror = mirror
        self._store = store
        self._business = business
        # Changes made for staff edits are recorded as theirs in the appointment's history.
        self._as_staff = as_staff or (lambda: _same(store))
        self._states: dict[str, _CalendarState] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.last_synced: dict[str, float] = {}  # calendar id -> POSIX time (for metrics)

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
            await asyncio.sleep(every_seconds)

    async def drain(self) -> None:
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def _logged_sync(self, calendar_id: str) -> None:
        try:
            await self.sync(calendar_id)
        except (CalendarUnavailableError, StoreUnavailableError) as error:
            log.warning("google.sync_unavailable", calendar_id=calendar_id, error=str(error))
        except Exception:
            log.exception("google.sync_failed", calendar_id=calendar_id)

    async def _sync_once(self, calendar_id: str) -> None:
        if not await self.mirror.lease(calendar_id):
            return  # another instance is syncing this calendar right now
        try:
            await self._leased_sync(calendar_id)
        except BaseException:
            with contextlib.suppress(Exception):  # else the lease runs out by itself
                await self.mirror.release(calendar_id)
            raise

    async def _leased_sync(self, calendar_id: str) -> None:
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
        if calendar_id in self._business.booking_calendar_ids:
            await self._respect_all(calendar_id, changes, full=full, since=since, at=listed_at)
        # The token is kept only after every staff edit was applied: one that failed is listed
        # again by the next sync (applying one twice changes nothing).
        await self.mirror.save(calendar_id, changes, next_token, full=full)
        self.last_synced[calendar_id] = time.time()
        log.info("google.synced", calendar_id=calendar_id, changes=len(changes), full=full)

    async def _respect_all(
        self,
        calendar_id: str,
        changes: list[EventChange],
        *,
        full: bool,
        since: datetime,
        at: datetime,
    ) -> None:
        ours = [c for c in changes if c.appointment_id]
        if full:  # a full listing reports no deletions: our events missing from it were deleted
            listed = {c.event_id for c in changes}
            for appointment_id, event_id in await self.mirror.booked_before(calendar_id, since, at):
                if event_id not in listed:
                    ours.append(EventChange(event_id, True, None, None, False, appointment_id))
        for change in ours:
            await self._respect(calendar_id, change)

    async def _respect(self, calendar_id: str, change: EventChange) -> None:
        """Staff moved or deleted one of our events: the appointment follows (unchanged times,
        or a row that is not ours to settle, change nothing). An event left in another
        person's calendar (the appointment moved to someone else) speaks for nothing."""
        appointment = await self._store.get(change.appointment_id or "")
        if appointment is None or appointment.status != "booked":
            return
        if appointment.calendar_id != calendar_id:
            return
        if not appointment.calendar_synced:
            return  # our own change is under way; it settles the calendar itself
        if change.cancelled:
            await self._staff_deleted(appointment)
            return
        if change.start is None or change.end is None:
            return
        if (change.start, change.end) != (appointment.start, appointment.end):
            await self._staff_moved(appointment, change.start, change.end)

    async def _staff_deleted(self, appointment: Appointment) -> None:
        async with self._as_staff() as store:
            await store.cancel(
                appointment.appointment_id, "deleted in the calendar", calendar_clean=True
            )
        log.info("calendar.appointment_cancelled", appointment_id=appointment.appointment_id)

    async def _staff_moved(self, appointment: Appointment, start: datetime, end: datetime) -> None:
        service = self._business.booked_service(appointment.service, end - start)
        try:
            async with self._as_staff() as store:
                await store.move(
                    appointment.appointment_id,
                    start,
                    end,
                    service.blocked(start, end),
                    calendar_clean=True,
                )
        except SlotConflictError:
            log.warning(
                "calendar.move_conflicts",
                appointment_id=appointment.appointment_id,
                start=start.isoformat(),
            )
            return
        log.info(
            "calendar.appointment_moved",
            appointment_id=appointment.appointment_id,
            start=start.isoformat(),
        )
