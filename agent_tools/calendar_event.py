"""The owner's calendar entry for an appointment: what staff see, with what they need to call
back. Booking writes it; the reconciler re-creates the very same one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from agent_tools.ports import Appointment
from calendar_adapter.protocol import NewEvent


def calendar_event(appointment: Appointment, event_id: str, zone: ZoneInfo) -> NewEvent:
    """The event at the appointment's time, written in the business's zone ``zone``."""
    lines = ["Booked by phone."]
    if appointment.customer_phone:
        lines.append(f"Phone: {appointment.customer_phone}")
    if appointment.customer_email:
        lines.append(f"Email: {appointment.customer_email}")
    if appointment.notes:
        lines.append(f"Notes: {appointment.notes}")
    lines.append(f"Appointment {appointment.appointment_id}.")
    return NewEvent(
        event_id=event_id,
        start=appointment.start.astimezone(zone),
        end=appointment.end.astimezone(zone),
        summary=f"{appointment.service}: {appointment.customer_name}",
        description="\n".join(lines),
        appointment_id=appointment.appointment_id,
    )
