"""How the console writes things: times in the business's zone as people write them, masked
phone numbers, and an appointment as a row of the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from agent_tools import speech
from agent_tools.business import Business
from agent_tools.ports import Appointment


def clock(moment: datetime, business: Business) -> str:
    return speech.clock(moment.astimezone(business.timezone))


def when_written(stamp: str | None, business: Business) -> str:
    """An ISO instant from the database as people write it, in the business's zone:
    "Mon, Nov 23, 2:49 AM"."""
    if not stamp:
        return ""
    local = datetime.fromisoformat(stamp).astimezone(business.timezone)
    return f"{local:%a, %b} {local.day}, {speech.clock(local)}"


def long_day(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def masked(phone: str | None) -> str:
    """Enough to recognise a number, not enough to copy it: "••• 0123"."""
    if not phone:
        return "no number"
    return "••• " + phone[-4:]


@dataclass(frozen=True, slots=True)
class Row:
    appointment_id: str
    times: str
    service: str
    customer: str
    phone: str
    status: str
    made_by: str
    staff: str | None


def row(appointment: Appointment, business: Business) -> Row:
    member = business.member(appointment.staff_id)
    return Row(
        appointment_id=appointment.appointment_id,
        times=f"{clock(appointment.start, business)} to {clock(appointment.end, business)}",
        service=appointment.service,
        customer=appointment.customer_name,
        phone=masked(appointment.customer_phone),
        status=appointment.status,
        made_by="phone call" if appointment.call_id else "other",
        staff=None if member is None or member.implicit else member.name,
    )
