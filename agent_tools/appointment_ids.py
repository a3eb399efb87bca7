"""The identifiers of a booking: the appointment's, the calendar event's derived from it, and
the booking intent's (the same call asking for the same service and start)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime

from agent_tools.availability import utc_seconds
from agent_tools.business import Service


def new_appointment_id() -> str:
    """80 random bits, lowercase so an LLM reads it back without case slips."""
    return "apt_" + base64.b32encode(secrets.token_bytes(10)).decode().lower()


def calendar_event_id(appointment_id: str) -> str:
    """Google's event ids allow base32hex (a-v, 0-9); derived, so retries reuse it."""
    digest = hashlib.sha256(appointment_id.encode()).digest()[:20]
    return "fd" + base64.b32hexencode(digest).decode().lower().rstrip("=")


def intent_key(
    business_id: str, call_id: str | None, service: Service, start: datetime
) -> str | None:
    """One booking per call, service and start: a caller re-sending the same booking after an
    interruption gets the first one back, whatever else (name, phone) they said differently.
    Without a call id there is no intent to match."""
    if not call_id:
        return None
    material = f"{business_id}|{call_id}|{service.key}|{utc_seconds(start)}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]
