"""The appointment store through Supabase's HTTP API (PostgREST), for deployments that are given
SUPABASE_URL and SUPABASE_SERVICE_KEY instead of a database URL. Every operation is an ``rpc`` of
the same SQL function the asyncpg store calls, so both share one implementation in SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import httpx
import structlog
from postgrest.exceptions import APIError

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
from app.db.appointments import STALE_PENDING_SECONDS
from app.journal import ToolCallRecord
from app.retry import DEADLOCK
from supabase import AsyncClient, AsyncClientOptions, acreate_client

log = structlog.get_logger("frontdesk.supabase")


async def connect(url: str, service_key: str, timeout_seconds: float = 5.0) -> AsyncClient:
    # Our own HTTP client: a bounded timeout on every call (a caller is waiting on the line).
    options = AsyncClientOptions(httpx_client=httpx.AsyncClient(timeout=timeout_seconds))
    return await acreate_client(url, service_key, options=options)


@asynccontextmanager
async def _faults(function: str) -> AsyncIterator[None]:
    try:
        yield
    except APIError as error:
        # PostgREST errors carry the SQLSTATE (or PGRSTxxx) in .code, not the HTTP status.
        log.exception(
            "supabase.rpc_failed",
            function=function,
            code=error.code,
            detail=error.message,
            hint=error.hint,
        )
        raise StoreUnavailableError(f"{function}: {error.code}") from error
    except httpx.HTTPError as error:
        raise StoreUnavailableError(f"{function}: {type(error).__name__}") from error


def _time(value: datetime) -> str:
    return value.isoformat()


def _rolled_back(error: BaseException) -> bool:
    """A deadlock or serialization failure (by its SQLSTATE) rolled the call back whole."""
    return getattr(error.__cause__, "code", None) in ("40P01", "40001")


class SupabaseAppointmentStore:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def call(self, function: str, params: dict[str, Any]) -> Any:
        async for attempt in DEADLOCK.retrying(_rolled_back):
            with attempt:
                async with _faults(function):
                    response = await self._client.rpc(function, params).execute()
                return response.data
        raise AssertionError("unreachable")  # pragma: no cover

    async def ping(self) -> None:
        await self.call("fd_get", {"p_id": ""})

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
        found = await self.call(
            "fd_blocked_each",
            {
                "p_business": business_id,
                "p_calendars": list(calendar_ids),
                "p_units": list(room_units),
                "p_from": _time(start),
                "p_to": _time(end),
                "p_except": except_id,
            },
        )
        return rows.occupancy(found or [], calendar_ids, room_units)

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
        found = await self.call(
            "fd_count_by_day_each",
            {
                "p_business": business_id,
                "p_calendars": list(calendar_ids),
                "p_from": _time(start),
                "p_to": _time(end),
                "p_zone": zone,
                "p_except": except_id,
            },
        )
        return rows.counts_by_day(found or [])

    async def staff_load(
        self, business_id: str, calendar_ids: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, Load]:
        found = await self.call(
            "fd_staff_load",
            {
                "p_business": business_id,
                "p_calendars": list(calendar_ids),
                "p_from": _time(start),
                "p_to": _time(end),
            },
        )
        return rows.staff_loads(found or [])

    async def reserve(self, booking: Booking) -> Reservation:
        result = await self.call(
            "fd_reserve",
            {"p": rows.booking_json(booking), "p_stale_seconds": STALE_PENDING_SECONDS},
        )
        return rows.reservation(result)

    async def by_intent(self, business_id: str, intent_key: str) -> Appointment | None:
        found = await self.call("fd_by_intent", {"p_business": business_id, "p_intent": intent_key})
        return rows.maybe_appointment(found)

    async def confirm(self, appointment_id: str) -> Appointment | None:
        return rows.maybe_appointment(await self.call("fd_confirm", {"p_id": appointment_id}))

    async def release(self, appointment_id: str, reason: str, *, calendar_clean: bool) -> None:
        await self.call(
            "fd_release",
            {
                "p_id": appointment_id,
                "p_reason": reason,
                "p_calendar_clean": calendar_clean,
            },
        )

    async def get(self, appointment_id: str) -> Appointment | None:
        return rows.maybe_appointment(await self.call("fd_get", {"p_id": appointment_id}))

    async def find_owned(
        self, business_id: str, owner: Owner, after: datetime, appointment_id: str | None = None
    ) -> list[Appointment]:
        found = await self.call(
            "fd_find_owned",
            {
                "p_business": business_id,
                "p_verified_phone": owner.verified_phone,
                "p_phone": owner.phone,
                "p_email": owner.email,
                "p_name": owner.name_key,
                "p_after": _time(after),
                "p_id": appointment_id,
            },
        )
        return [rows.appointment(r) for r in found or []]

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
        return rows.moved(await self.call("fd_relocate", {"p": moved}))

    async def cancel(
        self, appointment_id: str, reason: str, *, calendar_clean: bool
    ) -> Appointment | None:
        return rows.maybe_appointment(
            await self.call(
                "fd_cancel",
                {
                    "p_id": appointment_id,
                    "p_reason": reason,
                    "p_calendar_clean": calendar_clean,
                },
            )
        )

    async def mark_unsynced(self, appointment_id: str) -> None:
        await self.call("fd_mark_unsynced", {"p_id": appointment_id})

    async def mark_synced(self, appointment: Appointment) -> bool:
        return bool(
            await self.call(
                "fd_mark_synced",
                {
                    "p_id": appointment.appointment_id,
                    "p_seen": _time(appointment.updated_at),
                },
            )
        )

    async def claim_unsettled(
        self, business_id: str, grace_seconds: int, limit: int
    ) -> list[Appointment]:
        found = await self.call(
            "fd_claim_unsettled",
            {"p_business": business_id, "p_grace_seconds": grace_seconds, "p_limit": limit},
        )
        return [rows.appointment(r) for r in found or []]

    # -- call records (app.journal) ------------------------------------------------------

    async def record_call_event(
        self, business_id: str, event: str, payload: dict[str, Any]
    ) -> None:
        await self.call(
            "fd_record_call_event",
            {
                "p_business": business_id,
                "p_event": event,
                "p_payload": payload,
            },
        )

    async def record_tool_calls(self, records: list[ToolCallRecord]) -> None:
        await self.call("fd_record_tool_calls_of", {"p": rows.tool_calls_json(records)})

    async def caller(
        self, business_id: str, phone: str, after: datetime
    ) -> tuple[str | None, Appointment | None]:
        found = await self.call(
            "fd_caller",
            {
                "p_business": business_id,
                "p_phone": phone,
                "p_after": _time(after),
            },
        )
        return found["name"], rows.maybe_appointment(found["next"])

    async def call_trace(self, business_id: str, call_id: str) -> dict[str, Any]:
        trace: dict[str, Any] = await self.call(
            "fd_call_trace", {"p_business": business_id, "p_call_id": call_id}
        )
        return trace

    async def appointments_between(
        self, business_id: str, start: datetime, end: datetime
    ) -> list[Appointment]:
        found = await self.call(
            "fd_appointments_between",
            {
                "p_business": business_id,
                "p_from": _time(start),
                "p_to": _time(end),
            },
        )
        return [rows.appointment(r) for r in found or []]
