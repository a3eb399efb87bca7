"""What the agent knows as a call begins (Retell's dynamic variables): pure, from values.

None of these names is one of Retell's own variables (``current_time`` and friends), which
would be shadowed; the prompt takes the time from Retell's ``current_time_<zone>``.
"""

from __future__ import annotations

from datetime import datetime

from agent_tools import business_speech as say
from agent_tools import speech
from agent_tools.business import Business
from agent_tools.ports import Appointment

UNKNOWN_CALLER = "not known yet (ask for their name when booking)"


def default_variables(business: Business) -> dict[str, str]:
    """The values a call gets when the inbound webhook is not wired (a dashboard test call):
    everything the config says, the usual week's hours, an unknown caller."""
    return {
        "business_name": business.name,
        "timezone": business.timezone.key,
        "services": say.services(business),
        "staff": say.staff(business) or "one team; callers can't choose a person",
        "opening_hours": say.opening_hours(business),
        "address": business.contact.address or "not on file",
        "caller": UNKNOWN_CALLER,
        "caller_known": "false",
        "caller_name": "",
        "next_appointment": "",
        "next_appointment_id": "",
        "transfer_now": "no",  # a test call without the inbound webhook takes messages
    }


def dynamic_variables(
    business: Business,
    now: datetime,
    caller_name: str | None,
    next_appointment: Appointment | None,
) -> dict[str, str]:
    """String values only, as Retell requires; today's hours come first."""
    local = now.astimezone(business.timezone)
    variables = default_variables(business)
    variables["opening_hours"] = say.opening_hours(business, local.date())
    variables["transfer_now"] = "yes" if business.transfers_at(now) else "no"
    if caller_name:
        variables.update(caller_known="true", caller_name=caller_name)
        variables["caller"] = f"{caller_name}, who has called before"
    if next_appointment is not None:
        start = next_appointment.start.astimezone(business.timezone)
        variables["next_appointment"] = (
            f"{next_appointment.service} {speech.on(speech.moment(start, local.date()))}"
        )
        variables["next_appointment_id"] = next_appointment.appointment_id
        variables["caller"] += (
            f"; their next appointment is {variables['next_appointment']}"
            f" (id {next_appointment.appointment_id})"
        )
    return variables
