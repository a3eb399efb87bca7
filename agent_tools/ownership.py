"""Who may see, move or cancel an appointment: the number it was booked under, calling; or,
when there is no caller ID (web and chat calls) or it differs, the booking's name together
with its phone number or email. Everything else is "not found", whether or not it exists."""

from __future__ import annotations

import re

from agent_tools.errors import NotFound
from agent_tools.ports import CallContext, Owner


def name_key(name: str | None) -> str | None:
    """Names compare without case or extra spaces ("  ada   LOVELACE" = "Ada Lovelace")."""
    if not name or not name.strip():
        return None
    return re.sub(r"\s+", " ", name.strip()).lower()


def owner_of(call: CallContext, *, phone: str | None, email: str | None, name: str | None) -> Owner:
    return Owner(
        verified_phone=call.from_number,  # E.164 already (app.tool_calls.call_context)
        phone=phone or None,  # E.164 already (the argument models read it)
        email=email.strip().lower() if email and email.strip() else None,
        name_key=name_key(name),
    )


def not_found(owner: Owner) -> NotFound:
    if owner.verified_phone:
        return NotFound(
            "I couldn't find that appointment under the number you're calling from. "
            "What name and phone number was it booked under?"
        )
    return NotFound(
        "I couldn't find that appointment. What name and phone number or email was it booked under?"
    )
