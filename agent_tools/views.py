"""How an appointment is shown to the agent: exact times plus the words to say them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from agent_tools import speech
from agent_tools.business import Business
from agent_tools.ports import Appointment


class AppointmentOut(BaseModel):
    appointment_id: str
    start: str
    end: str
    service: str
    name: str
    status: str
    spoken: str


def appointment_out(appointment: Appointment, business: Business, today: date) -> AppointmentOut:
    zone = business.timezone
    start = appointment.start.astimezone(zone)
    return AppointmentOut(
        appointment_id=appointment.appointment_id,
        start=start.isoformat(),
        end=appointment.end.astimezone(zone).isoformat(),
        service=appointment.service,
        name=appointment.customer_name,
        status=appointment.status,
        spoken=speech.moment(start, today),
    )
