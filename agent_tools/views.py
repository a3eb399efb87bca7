"""How an appointment is shown to the agent: exact times plus the words to say them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from agent_tools import speech
from agent_tools.business import Business
from agent_tools.ports import Appointment
from agent_tools.staff import StaffMember


class StaffOut(BaseModel):
    id: str
    name: str


def staff_out(member: StaffMember | None) -> StaffOut | None:
    """How a person is shown to the agent; nobody for a business without staff."""
    if member is None or member.implicit:
        return None
    return StaffOut(id=member.id, name=member.name)


def with_whom(member: StaffMember | None, business: Business) -> str:
    """ " with Maya" when the business has several people, else nothing."""
    if member is None or not business.has_several_staff:
        return ""
    return f" with {member.first_name}"


class AppointmentOut(BaseModel):
    appointment_id: str
    start: str
    end: str
    service: str
    name: str
    status: str
    spoken: str
    staff: StaffOut | None = None


def appointment_out(appointment: Appointment, business: Business, today: date) -> AppointmentOut:
    zone = business.timezone
    start = appointment.start.astimezone(zone)
    member = business.member(appointment.staff_id)
    return AppointmentOut(
        appointment_id=appointment.appointment_id,
        start=start.isoformat(),
        end=appointment.end.astimezone(zone).isoformat(),
        service=appointment.service,
        name=appointment.customer_name,
        status=appointment.status,
        spoken=speech.moment(start, today) + with_whom(member, business),
        staff=staff_out(member),
    )
