"""``GET /operator/outbox``: what waits to be sent (webhooks and, later, texts and emails): how
many sends are due and how long the oldest has waited. A provider outage shows here, not as a
readiness failure: sends wait and are retried. Counted over every business, so only the
global ``OPERATOR_API_KEY`` reads it (a business's own key is refused)."""

from __future__ import annotations

from typing import Any

from litestar import get

from app.guards import Frontdesk, global_operator_only


@get("/operator/outbox", guards=[global_operator_only])
async def outbox_backlog(frontdesk: Frontdesk) -> dict[str, Any]:
    backlog: dict[str, Any] = await frontdesk.operator_records.call("fd_outbox_backlog", {})
    return {"due": backlog["depth"], "oldest_due_seconds": round(backlog["oldest_due_seconds"], 1)}
