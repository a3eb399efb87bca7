"""Call records. Tool-call records are written off the request path (a caller never waits for
our bookkeeping); webhook events are stored before they are acknowledged, since Retell does not
send them again once we said 204."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, Protocol

import structlog

from agent_tools.ports import Appointment, StoreUnavailableError
from app.db.faults import CONNECTION_FAULTS

log = structlog.get_logger("frontdesk.journal")

_UNREACHABLE: tuple[type[BaseException], ...] = (StoreUnavailableError, *CONNECTION_FAULTS)

# Well inside Retell's webhook timeout (10 s), so a failed write is answered 503 and retried.
EVENT_WRITE_SECONDS = 5.0


class CallRecords(Protocol):
    async def record_call_event(
        self, business_id: str, event: str, payload: dict[str, Any]
    ) -> None: ...

    async def record_tool_call(
        self,
        business_id: str,
        *,
        call_id: str | None,
        tool: str,
        outcome: str,
        duration_ms: float,
        appointment_id: str | None,
    ) -> None: ...

    async def caller(
        self, business_id: str, phone: str, after: datetime
    ) -> tuple[str | None, Appointment | None]: ...

    async def call_trace(self, business_id: str, call_id: str) -> dict[str, Any]: ...

    async def appointments_between(
        self, business_id: str, start: datetime, end: datetime
    ) -> list[Appointment]: ...


class Journal:
    def __init__(self, records: CallRecords, business_id: str) -> None:
        self.records = records
        self._business_id = business_id
        self._pending: set[asyncio.Task[None]] = set()

    @property
    def business_id(self) -> str:
        return self._business_id

    def tool_call(
        self,
        call_id: str | None,
        tool: str,
        outcome: str,
        duration_ms: float,
        appointment_id: str | None,
    ) -> None:
        self._spawn(
            self.records.record_tool_call(
                self._business_id,
                call_id=call_id,
                tool=tool,
                outcome=outcome,
                duration_ms=duration_ms,
                appointment_id=appointment_id,
            )
        )

    async def call_event(self, event: str, payload: dict[str, Any]) -> None:
        """Store the raw event now; raises (after at most a few seconds) when it could not be."""
        async with asyncio.timeout(EVENT_WRITE_SECONDS):
            await self.records.record_call_event(self._business_id, event, payload)

    async def drain(self) -> None:
        """Wait for what is still being written (at shutdown, and in tests)."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def _spawn(self, write: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._logged(write))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    @staticmethod
    async def _logged(write: Coroutine[Any, Any, None]) -> None:
        try:
            await write
        except _UNREACHABLE as error:
            log.warning("journal.write_failed", error=type(error).__name__)
        except Exception:
            log.exception("journal.write_failed")
