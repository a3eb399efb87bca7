"""Whether a kept reply still tells the truth about the appointment it names.

A reply is kept per call, tool and arguments, but the same call can change the appointment
afterwards (book 9 AM, cancel it, book 9 AM again): replaying "You're booked" then would be a lie.
A kept reply naming an appointment is replayed only while that appointment is still as it says;
otherwise the request runs again, which the booking intent and the store keep exactly-once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_tools.ports import AppointmentStore


async def outdated(body: dict[str, Any], store: AppointmentStore) -> bool:
    """True when ``body`` reports an appointment whose status or start has changed since."""
    shown = body.get("appointment") if body.get("ok") is True else None
    if not isinstance(shown, dict):
        return False
    appointment_id, status, start = (shown.get(k) for k in ("appointment_id", "status", "start"))
    if not (isinstance(appointment_id, str) and isinstance(status, str) and isinstance(start, str)):
        return False
    current = await store.get(appointment_id)
    if current is None:
        return True
    return current.status != status or current.start != datetime.fromisoformat(start)
