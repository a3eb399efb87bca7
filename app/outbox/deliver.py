"""Any instance delivers due sends: claimed under a lease (`skip locked`, so two instances never
take the same row at once), tried, then marked sent, due again later, or failed for good.

At least once: a send is marked right after the receiver accepted it, so a crash between the
two (a window of one database write) sends it again, with the same Idempotency-Key; receivers
dedupe on it. A receiver that is down delays sends; it never drops them (24 hours of retries).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog

from agent_tools.business import Business
from app.db.operator_records import OperatorRecords
from app.metrics import OUTBOX_DEPTH, OUTBOX_OLDEST, OUTBOX_SENDS
from app.outbox.channels import Outcome, send_log, send_webhook
from app.outbox.email import Mailer, calendar_file
from app.outbox.retry import next_try
from app.outbox.sms import Texter
from app.outbox.texts import confirmation, owner_alert

log = structlog.get_logger("frontdesk.outbox")

LEASE_SECONDS = 60
BATCH = 50


class Deliverer:
    def __init__(
        self,
        records: OperatorRecords,
        http: httpx.AsyncClient,
        texter: Texter,
        businesses: Mapping[str, Business],
        *,
        mailer: Mailer | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._records = records
        self._http = http
        self._texter = texter
        self._mailer = mailer or Mailer(None, None)
        self._businesses = businesses
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
        await self._measure()
        return sent

    async def _measure(self) -> None:
        backlog = await self._records.call("fd_outbox_backlog", {})
        OUTBOX_DEPTH.set(backlog["depth"])
        OUTBOX_OLDEST.set(float(backlog["oldest_due_seconds"]))

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
        if row["channel"] == "sms":
            return await self._text(row)
        if row["channel"] == "email":
            return await self._email(row)
        return Outcome(sent=False, final=True, error=f"unknown channel {row['channel']}")

    async def _text(self, row: dict[str, Any]) -> Outcome:
        """A text to the owner (``to``) or to the appointment's own number; never to a number
        that replied STOP (the send is then simply done)."""
        business = self._businesses.get(row["business_id"])
        if business is None:
            return Outcome(sent=False, final=True, error="business no longer served")
        event = row["payload"]["event"]
        to = row["payload"].get("to") or event["data"].get("phone")
        if not to:
            return Outcome(sent=True)  # nobody to text
        opted_out = await self._records.call(
            "fd_sms_opted_out", {"p_business": business.id, "p_phone": to}
        )
        if opted_out:
            log.info("outbox.opted_out", event_id=event["id"])
            return Outcome(sent=True)
        if event["type"] == "message.taken":
            body = owner_alert(event["data"], business)
        else:
            body = confirmation(event["type"], event["data"], business)
        return await self._texter.send(to, body)

    async def _email(self, row: dict[str, Any]) -> Outcome:
        """An email to the owner (``to``) or, for an appointment, to the address the caller
        gave (with its calendar file); nothing to do without one."""
        business = self._businesses.get(row["business_id"])
        if business is None:
            return Outcome(sent=False, final=True, error="business no longer served")
        event = row["payload"]["event"]
        data = event["data"]
        to = row["payload"].get("to") or data.get("email")
        if not to:
            return Outcome(sent=True)
        if event["type"] == "message.taken":
            subject = f"{'URGENT: ' if data.get('urgent') else ''}Message from {data.get('name')}"
            return await self._mailer.send(to, subject, owner_alert(data, business))
        cancelled = event["type"] == "appointment.cancelled"
        ics = calendar_file(event["type"], data, business, self._mailer.sender)
        subject = f"{data['service']} at {business.name}: " + (
            "cancelled" if cancelled else "confirmed"
        )
        text = confirmation(event["type"], data, business)
        return await self._mailer.send(to, subject, text, ics, "CANCEL" if cancelled else "REQUEST")

    async def _settle(self, row: dict[str, Any], outcome: Outcome) -> None:
        if outcome.sent:
            await self._records.call("fd_outbox_sent", {"p_id": row["id"]})
            OUTBOX_SENDS.labels(row["channel"], "sent").inc()
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
            OUTBOX_SENDS.labels(row["channel"], "failed").inc()
            await self._records.call(
                "fd_outbox_failed", {"p_id": row["id"], "p_error": outcome.error}
            )
            return
        log.info("outbox.retry_later", event_id=row["id"], error=outcome.error, due=due.isoformat())
        OUTBOX_SENDS.labels(row["channel"], "retry").inc()
        await self._records.call(
            "fd_outbox_later", {"p_id": row["id"], "p_due": due, "p_error": outcome.error}
        )
