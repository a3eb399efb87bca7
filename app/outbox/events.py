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
    rows = sends("message.taken", message.message_id, business, data)
    owner = business.notify
    for channel, to in (("sms", owner.owner_phone), ("email", owner.owner_email)):
        if to is not None:  # the owner hears of each message this way too
            identifier = event_id("message.taken", message.message_id, channel)
            event = {**rows[0]["payload"]["event"], "id": identifier}
            rows.append(
                {
                    "id": identifier,
                    "channel": channel,
                    "kind": "message.taken",
                    "payload": {"event": event, "to": to},
                }
            )
    return rows


def channels_of(business: Business) -> list[dict[str, Any]]:
    """The business's channels as Postgres keeps them (``fd_set_channels``), so the history
    trigger can write an appointment's sends with the change itself."""
    found: list[dict[str, Any]] = []
    if business.webhook is None:
        found.append({"channel": "log", "config": {}})
    else:
        target = business.webhook
        config = {"url": target.url, "secret_env": target.secret_env}
        found.append({"channel": "webhook", "config": config})
    if business.notify.sms_confirmations:  # texted to the appointment's own number
        found.append({"channel": "sms", "config": {"confirmations": True}})
    if business.notify.email_confirmations:  # emailed when the caller gave an address
        found.append({"channel": "email", "config": {"confirmations": True}})
    return found


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
