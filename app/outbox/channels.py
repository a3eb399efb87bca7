"""How each kind of send leaves: a signed webhook POST, or a log line (the embedded default).

A webhook carries ``Frontdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
"<t>.<raw body>")>`` and ``Idempotency-Key: <event id>`` (the same on every retry), so a
receiver can check who sent it and drop a repeat (docs/messages.md shows how).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

log = structlog.get_logger("frontdesk.outbox")

RETRYABLE_STATUSES = frozenset({408, 429})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one try: sent, try again (maybe after ``retry_after`` seconds), or a
    final refusal."""

    sent: bool
    final: bool = False
    error: str | None = None
    retry_after: float | None = None


def signature(secret: str, body: bytes, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


async def send_webhook(http: httpx.AsyncClient, payload: dict[str, Any]) -> Outcome:
    event = payload["event"]
    body = json.dumps(event, separators=(",", ":")).encode()
    secret = os.environ.get(payload.get("secret_env") or "", "")
    headers = {
        "content-type": "application/json",
        "idempotency-key": event["id"],
        "user-agent": "Frontdesk-Webhooks/1",
    }
    if secret:
        headers["frontdesk-signature"] = signature(secret, body, int(time.time()))
    try:
        answer = await http.post(payload["url"], content=body, headers=headers)
    except httpx.HTTPError as error:
        return Outcome(sent=False, error=type(error).__name__)
    if answer.is_success:
        return Outcome(sent=True)
    status = answer.status_code
    if status in RETRYABLE_STATUSES or status >= 500:
        return Outcome(sent=False, error=f"HTTP {status}", retry_after=_retry_after(answer))
    return Outcome(sent=False, final=True, error=f"HTTP {status}")


def send_log(payload: dict[str, Any]) -> Outcome:
    """No channel configured: say what would have been sent (no phone numbers in logs)."""
    event = payload["event"]
    log.info("outbox.would_send", event_type=event["type"], event_id=event["id"])
    return Outcome(sent=True)


def _retry_after(answer: httpx.Response) -> float | None:
    raw = answer.headers.get("retry-after", "")
    try:
        return max(float(raw), 0.0)
    except ValueError:
        return None
