"""Rows as the SQL functions return them (JSON), read into domain values. Shared by the asyncpg
and the Supabase store, which call the same functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_tools.ports import (
    Appointment,
    Booking,
    BookingLimitError,
    Reservation,
    SlotConflictError,
)
from app.metrics import SLOT_CONFLICTS


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
    }


def reservation(result: dict[str, Any]) -> Reservation:
    if result["outcome"] == "conflict":
        SLOT_CONFLICTS.inc()
        raise SlotConflictError
    if result["outcome"] in ("limit_call", "limit_phone"):
        raise BookingLimitError(result["outcome"].removeprefix("limit_"))
    return Reservation(outcome=result["outcome"], appointment=appointment(result["appointment"]))


def moved(result: dict[str, Any]) -> Appointment | None:
    if result["outcome"] == "conflict":
        SLOT_CONFLICTS.inc()
        raise SlotConflictError
    return maybe_appointment(result.get("appointment"))
