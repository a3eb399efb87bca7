"""Call records. Tool-call records are written off the request path (a caller never waits for
our bookkeeping), in batches: the calls of the last ``FLUSH_SECONDS``, of every business the
instance serves, go in one round trip (under load, one write for hundreds of calls instead of
one each, or one per business). At shutdown what is still
buffered is written; a crashed instance loses at most the last ``FLUSH_SECONDS`` of them (the
tool calls themselves, and their effects, are not affected). Webhook events are stored before
they are acknowledged, since Retell does not send them again once we said 204."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog

from agent_tools.ports import Appointment, StoreUnavailableError
from app.db.faults import CONNECTION_FAULTS

log = structlog.get_logger("frontdesk.journal")

_UNREACHABLE: tuple[type[BaseException], ...] = (StoreUnavailableError, *CONNECTION_FAULTS)

# Well inside Retell's webhook timeout (10 s), so a failed write is answered 503 and retried.
EVENT_WRITE_SECONDS = 5.0
FLUSH_SECONDS = 0.02  # how long a tool-call record waits for others to share its write
BATCH_MAX = 500


@dataclass(frozen=True, slots=True)
class ToolCallRecord:
    business_id: str
    call_id: str | None
    tool: str
    outcome: str
    duration_ms: float
    appointment_id: str | None
    at: datetime
    arguments: dict[str, str] | None = None  # what was asked, never who asked


class CallRecords(Protocol):
    async def record_call_event(
        self, business_id: str, event: str, payload: dict[str, Any]
    ) -> None: ...

    async def record_tool_calls(self, records: list[ToolCallRecord]) -> None:
        """Records of any businesses (each names its own), in one write."""

    async def caller(
        self, business_id: str, phone: str, after: datetime
    ) -> tuple[str | None, Appointment | None]: ...

    async def call_trace(self, business_id: str, call_id: str) -> dict[str, Any]: ...

    async def appointments_between(
        self, business_id: str, start: datetime, end: datetime
    ) -> list[Appointment]: ...


class ToolCallWriter:
    """The batches: the records of every business an instance serves go in one write."""

    def __init__(self, records: CallRecords) -> None:
        self.records = records
        self._buffer: list[ToolCallRecord] = []
        self._pending: set[asyncio.Task[None]] = set()
        self._flush_due = False

    def add(self, record: ToolCallRecord) -> None:
        self._buffer.append(record)
        if len(self._buffer) >= BATCH_MAX:
            self._spawn(self._flush(wait=0))
        elif not self._flush_due:
            self._flush_due = True
            self._spawn(self._flush(wait=FLUSH_SECONDS))

    async def drain(self) -> None:
        """Write what is buffered and wait for every write (at shutdown, and in tests)."""
        if self._buffer:
            self._spawn(self._flush(wait=0))
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _flush(self, wait: float) -> None:
        if wait:
            await asyncio.sleep(wait)
        self._flush_due = False
        taken, self._buffer = self._buffer, []
        for first in range(0, len(taken), BATCH_MAX):
            await self.records.record_tool_calls(taken[first : first + BATCH_MAX])

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


class Journal:
    """One business's records: its tool calls (through the instance's shared writer) and its
    call events."""

    def __init__(
        self, records: CallRecords, business_id: str, writer: ToolCallWriter | None = None
    ) -> None:
        self.records = records
        self._business_id = business_id
        self._writer = writer if writer is not None else ToolCallWriter(records)

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
        *,
        arguments: dict[str, str] | None = None,
    ) -> None:
        self._writer.add(
            ToolCallRecord(
                self._business_id,
                call_id,
                tool,
                outcome,
                duration_ms,
                appointment_id,
                datetime.now(UTC),
                arguments,
            )
        )

    async def call_event(self, event: str, payload: dict[str, Any]) -> None:
        """Store the raw event now; raises (after at most a few seconds) when it could not be."""
        async with asyncio.timeout(EVENT_WRITE_SECONDS):
            await self.records.record_call_event(self._business_id, event, payload)

    async def drain(self) -> None:
        """Write what is buffered (every business's: the writer is shared) and wait for it."""
        await self._writer.drain()
