"""What the agent knows as a call begins (Retell's dynamic variables): pure, from values."""

from __future__ import annotations

from datetime import datetime

from agent_tools import speech
from agent_tools.business import Business
from agent_tools.ports import Appointment


def dynamic_variables(
    business: Business,
    now: datetime,
    caller_name: str | None,
    next_appointment: Appointment | None,
) -> dict[str, str]:
    """String values only, as Retell requires; unknown callers get empty caller fields."""
    local = now.astimezone(business.timezone)
    variables = {
        "business_name": business.name,
        "current_date": f"{local:%A}, {local:%B} {local.day}, {local.year}",
        "current_time": speech.clock(local),
        "timezone": business.timezone.key,
        "services": speech.join_or([s.name for s in business.services]).replace(" or ", " and "),
        "caller_known": "true" if caller_name else "false",
        "caller_name": caller_name or "",
        "next_appointment": "",
        "next_appointment_id": "",
    }
    if next_appointment is not None:
        start = next_appointment.start.astimezone(business.timezone)
        variables["next_appointment"] = (
            f"{next_appointment.service} {speech.on(speech.moment(start, local.date()))}"
        )
        variables["next_appointment_id"] = next_appointment.appointment_id
    return variables
