"""What a text says: short, naming the business, the time in the business's zone as a person
writes it, and how to change it (call back)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_tools import speech
from agent_tools.business import Business

_DONE = {
    "appointment.booked": "is booked for",
    "appointment.rescheduled": "is moved to",
    "appointment.cancelled": "on {when} is cancelled",
}


def written(moment: str, business: Business) -> str:
    """ "Tuesday, March 16 at 1:30 PM", in the business's zone."""
    local = datetime.fromisoformat(moment).astimezone(business.timezone)
    return f"{local:%A, %B} {local.day} at {speech.clock(local)}"


def confirmation(kind: str, data: dict[str, Any], business: Business) -> str:
    when = written(data["starts_at"], business)
    member = business.member(data.get("staff_id"))
    who = f" with {member.first_name}" if member and business.has_several_staff else ""
    call = f" call {business.contact.phone}" if business.contact.phone else " call us"
    if kind == "appointment.reminder":
        return (
            f"{business.name}: a reminder of your {data['service']} on {when}{who}. "
            f"To change it,{call}."
        )
    if kind == "appointment.cancelled":
        return (
            f"{business.name}: your {data['service']} on {when}{who} is cancelled. "
            f"To book again,{call}."
        )
    verb = _DONE[kind]
    return f"{business.name}: your {data['service']} {verb} {when}{who}. To change it,{call}."


def owner_alert(data: dict[str, Any], business: Business) -> str:
    urgent = "URGENT " if data.get("urgent") else ""
    said = (data.get("callback") or {}).get("said") or "as soon as possible"
    return (
        f"{business.name}: {urgent}message from {data.get('name')} ({data.get('phone')}): "
        f"{data.get('message')} Call back {said}."
    )
