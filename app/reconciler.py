"""Brings the calendar in step with Postgres after anything went wrong in the middle.

Every change marks its row out of step (``calendar_synced = false``) before touching the
calendar and back in step after; a crash, timeout or error in between leaves the row for this
loop. After a grace period it releases reservations still pending (nobody was told "booked"),
then makes the calendar match the row: a booked appointment has its event at its time, a
cancelled one has none. Claims are leases (``for update skip locked`` plus a bumped
``updated_at``), so any number of instances can run it.
"""

from __future__ import annotations

import asyncio

import structlog

from agent_tools.business import Business
from agent_tools.calendar_event import calendar_event
from agent_tools.ports import Appointment, AppointmentStore, StoreUnavailableError
from calendar_adapter.protocol import Calendar, CalendarUnavailableError

log = structlog.get_logger("frontdesk.reconciler")


async def reconcile_once(
    store: AppointmentStore,
    calendar: Calendar,
    business: Business,
    *,
    grace_seconds: int,
    limit: int = 50,
) -> int:
    """One pass; returns how many rows it settled."""
    settled = 0
    for claimed in await store.claim_unsettled(business.id, grace_seconds, limit):
        try:
            if claimed.status == "pending":
                await store.release(claimed.appointment_id, "abandoned", calendar_clean=False)
                log.info("reconciler.released", appointment_id=claimed.appointment_id)
            current = await store.get(claimed.appointment_id)
            if current is None:
                continue
            await _converge(calendar, business, current)
            if await store.mark_synced(current):
                settled += 1
        except CalendarUnavailableError:
            log.warning("reconciler.calendar_unavailable", appointment_id=claimed.appointment_id)
    return settled


async def _converge(calendar: Calendar, business: Business, appointment: Appointment) -> None:
    event_id = appointment.calendar_event_id
    if not event_id:
        return
    calendar_id = appointment.calendar_id  # the person's own calendar
    if appointment.status != "booked":
        await calendar.delete_event(calendar_id, event_id)
        return
    times = await calendar.event_times(calendar_id, event_id)
    if times is None:
        await calendar.create_event(
            calendar_id,
            calendar_event(appointment, event_id, business.timezone),
        )
        log.info("reconciler.event_restored", appointment_id=appointment.appointment_id)
    elif times != (appointment.start, appointment.end):
        await calendar.move_event(calendar_id, event_id, appointment.start, appointment.end)
        log.info("reconciler.event_moved", appointment_id=appointment.appointment_id)


async def run_forever(
    store: AppointmentStore,
    calendar: Calendar,
    business: Business,
    *,
    every_seconds: float,
    grace_seconds: int,
) -> None:
    while True:
        try:
            await reconcile_once(store, calendar, business, grace_seconds=grace_seconds)
        except StoreUnavailableError:
            log.warning("reconciler.store_unavailable")
        except Exception:
            log.exception("reconciler.failed")
        await asyncio.sleep(every_seconds)
