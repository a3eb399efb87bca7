"""Any instance delivers due sends: claimed under a lease (`skip locked`, so two instances never
take the same row at once), tried, then marked sent, due again later, or failed for good.

At least once: a send is marked right after the receiver accepted it, so a crash between the
two (a window of one database write) sends it again, with the same Idempotency-Key; receivers
dedupe on it. A receiver that is down delays sends; it never drops them (24 hours of retries).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog

from app.db.operator_records import OperatorRecords
from app.outbox.channels import Outcome, send_log, send_webhook
from app.outbox.retry import next_try

log = structlog.get_logger("frontdesk.outbox")

LEASE_SECONDS = 60
BATCH = 50


class Deliverer:
    def __init__(
        self,
        records: OperatorRecords,
        http: httpx.AsyncClient,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._records = records
        self._http = http
        self._clock = clock
        self.sent = 0

    async def deliver_due(self) -> int:
        """One pass over what is due now; how many were sent."""
        claimed: list[dict[str, Any]] = (
            await self._records.call(
                "fd_outbox_claim", {"p_limit": BATCH, "p_lease_seconds": LEASE_SECONDS}
            )
            or []
        )
        sent = 0
        for row in claimed:
            outcome = await self._try(row)
            await self._settle(row, outcome)
            sent += outcome.sent
        self.sent += sent
        return sent

    async def run_forever(self, every_seconds: float = 1.0) -> None:
        while True:
            try:
                while await self.deliver_due():
                    pass
            except Exception:
                log.exception("outbox.pass_failed")
            await asyncio.sleep(every_seconds)

    async def _try(self, row: dict[str, Any]) -> Outcome:
        if row["channel"] == "webhook":
            return await send_webhook(self._http, row["payload"])
        if row["channel"] == "log":
            return send_log(row["payload"])
        return Outcome(sent=False, final=True, error=f"unknown channel {row['channel']}")

    async def _settle(self, row: dict[str, Any], outcome: Outcome) -> None:
        if outcome.sent:
            await self._records.call("fd_outbox_sent", {"p_id": row["id"]})
            return
        created = (
            datetime.fromisoformat(row["created_at"])
            if isinstance(row["created_at"], str)
            else row["created_at"]
        )
        due = (
            None
            if outcome.final
            else next_try(row["attempts"], self._clock(), created, outcome.retry_after)
        )
        if due is None:
            log.warning("outbox.gave_up", event_id=row["id"], error=outcome.error)
            await self._records.call(
                "fd_outbox_failed", {"p_id": row["id"], "p_error": outcome.error}
            )
            return
        log.info("outbox.retry_later", event_id=row["id"], error=outcome.error, due=due.isoformat())
        await self._records.call(
            "fd_outbox_later", {"p_id": row["id"], "p_due": due, "p_error": outcome.error}
        )
