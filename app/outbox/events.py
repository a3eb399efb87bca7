"""The sends a change causes, as outbox rows: one per configured channel, with the event id
that receivers dedupe on. Without any channel configured, one ``log`` send records what would
have been sent (``make run`` stays credential-free)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from agent_tools.business import Business
from agent_tools.ports import Message


def event_id(kind: str, subject: str, channel: str) -> str:
    """Stable per change and channel: the same change never makes two events."""
    return "evt_" + hashlib.sha256(f"{kind}|{subject}|{channel}".encode()).hexdigest()[:24]


def message_sends(message: Message, business: Business) -> list[dict[str, Any]]:
    data = {
        "message_id": message.message_id,
        "call_id": message.call_id,
        "name": message.name,
        "phone": message.phone,
        "message": message.body,
        "urgent": message.urgent,
        "callback": {
            "start": message.callback_start.isoformat() if message.callback_start else None,
            "end": message.callback_end.isoformat() if message.callback_end else None,
            "said": message.callback_phrase,
        },
    }
    return sends("message.taken", message.message_id, business, data)


def sends(
    kind: str, subject: str, business: Business, data: dict[str, Any]
) -> list[dict[str, Any]]:
    channels = ["webhook"] if business.webhook is not None else ["log"]
    created = datetime.now(UTC).isoformat()
    rows = []
    for channel in channels:
        identifier = event_id(kind, subject, channel)
        payload: dict[str, Any] = {
            "event": {
                "id": identifier,
                "type": kind,
                "created_at": created,
                "business_id": business.id,
                "data": data,
            }
        }
        if business.webhook is not None:
            payload["url"] = business.webhook.url
            payload["secret_env"] = business.webhook.secret_env
        rows.append({"id": identifier, "channel": channel, "kind": kind, "payload": payload})
    return rows
