"""Rows as the SQL functions return them (JSON), read into domain values. Shared by the asyncpg
and the Supabase store, which call the same functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from agent_tools.fairness import Load
from agent_tools.ports import (
    Appointment,
    Booking,
    BookingLimitError,
    Occupancy,
    Placement,
    Reservation,
    SlotConflictError,
)
from app.journal import ToolCallRecord
from app.metrics import SLOT_CONFLICTS
from calendar_adapter.protocol import BusySpan


def appointment(row: dict[str, Any]) -> Appointment:
    return Appointment(
        appointment_id=row["id"],
        business_id=row["business_id"],
        calendar_id=row["calendar_id"],
        service=row["service"],
        start=datetime.fromisoformat(row["starts_at"]),
        end=datetime.fromisoformat(row["ends_at"]),
        status=row["status"],
        customer_name=row["customer_name"],
        customer_phone=row.get("customer_phone"),
        customer_email=row.get("customer_email"),
        calendar_event_id=row.get("calendar_event_id"),
        calendar_synced=bool(row.get("calendar_synced")),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        notes=row.get("notes"),
        staff_id=row.get("staff_id"),
        room_unit=row.get("room_unit"),
        call_id=row.get("call_id"),
        created_at=datetime.fromisoformat(row["created_at"]) if row.get("created_at") else None,
    )


def maybe_appointment(row: dict[str, Any] | None) -> Appointment | None:
    return None if row is None else appointment(row)


def booking_json(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.appointment_id,
        "business_id": booking.business_id,
        "calendar_id": booking.calendar_id,
        "service": booking.service,
        "starts_at": booking.start.isoformat(),
        "ends_at": booking.end.isoformat(),
        "blocked_start": booking.blocked_start.isoformat(),
        "blocked_end": booking.blocked_end.isoformat(),
        "customer_name": booking.customer_name,
        "customer_phone": booking.customer_phone,
        "customer_email": booking.customer_email,
        "notes": booking.notes,
        "call_id": booking.call_id,
        "calendar_event_id": booking.calendar_event_id,
        "intent_key": booking.intent_key,
        "caller_phone": booking.caller_phone,
        "zone": booking.zone,
        "max_per_call": booking.max_per_call,
        "max_per_phone_per_day": booking.max_per_phone_per_day,
        "staff_id": booking.staff_id,
        "room_unit": booking.room_unit,
        "max_per_day_staff": booking.max_per_day_staff,
    }


def relocation_json(
    appointment_id: str,
    start: datetime,
    end: datetime,
    blocked: tuple[datetime, datetime],
    *,
    calendar_clean: bool,
    place: Placement | None,
) -> dict[str, Any]:
    """fd_relocate's argument: without a place, the calendar, staff and room are kept."""
    moved: dict[str, Any] = {
        "id": appointment_id,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "blocked_start": blocked[0].isoformat(),
        "blocked_end": blocked[1].isoformat(),
        "calendar_clean": calendar_clean,
    }
    if place is not None:
        moved |= {
            "calendar_id": place.calendar_id,
            "staff_id": place.staff_id,
            "room_unit": place.room_unit,
        }
    return moved


def occupancy(
    found: list[dict[str, Any]], calendar_ids: Sequence[str], room_units: Sequence[str]
) -> Occupancy:
    calendars: dict[str, list[BusySpan]] = {c: [] for c in calendar_ids}
    rooms: dict[str, list[BusySpan]] = {u: [] for u in room_units}
    for row in found:
        into = calendars if row["kind"] == "calendar" else rooms
        into.setdefault(row["key"], []).append((int(row["s"]), int(row["e"])))
    return Occupancy(calendars, rooms)


def counts_by_day(found: list[dict[str, Any]]) -> dict[str, dict[date, int]]:
    counts: dict[str, dict[date, int]] = {}
    for row in found:
        day = row["day"] if isinstance(row["day"], date) else date.fromisoformat(row["day"])
        counts.setdefault(row["calendar"], {})[day] = int(row["n"])
    return counts


def staff_loads(found: list[dict[str, Any]]) -> dict[str, Load]:
    loads: dict[str, Load] = {}
    for row in found:
        last = row["last_assigned"]
        if isinstance(last, str):
            last = datetime.fromisoformat(last)
        loads[row["calendar"]] = Load(int(row["minutes"]), last)
    return loads


def reservation(result: dict[str, Any]) -> Reservation:
    if result["outcome"] == "conflict":
        SLOT_CONFLICTS.inc()
        raise SlotConflictError
    if result["outcome"] == "limit_staff_day":  # that person's day is full: not this slot
        raise SlotConflictError
    if result["outcome"] in ("limit_call", "limit_phone"):
        raise BookingLimitError(result["outcome"].removeprefix("limit_"))
    return Reservation(outcome=result["outcome"], appointment=appointment(result["appointment"]))


def moved(result: dict[str, Any]) -> Appointment | None:
    if result["outcome"] == "conflict":
        SLOT_CONFLICTS.inc()
        raise SlotConflictError
    return maybe_appointment(result.get("appointment"))


def tool_calls_json(records: list[ToolCallRecord]) -> list[dict[str, Any]]:
    return [
        {
            "business_id": r.business_id,
            "call_id": r.call_id,
            "tool": r.tool,
            "outcome": r.outcome,
            "duration_ms": r.duration_ms,
            "appointment_id": r.appointment_id,
            "at": r.at.isoformat(),
            "arguments": r.arguments,
        }
        for r in records
    ]
