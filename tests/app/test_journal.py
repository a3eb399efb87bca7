"""Tool-call records are written in batches, off the request path, and none is lost at
shutdown."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from agent_tools.ports import Appointment
from app import journal as journal_module
from app.journal import Journal, ToolCallRecord, ToolCallWriter


class Records:
    def __init__(self, fail: BaseException | None = None) -> None:
        self.batches: list[list[ToolCallRecord]] = []
        self.fail = fail

    async def record_tool_calls(self, records: list[ToolCallRecord]) -> None:
        if self.fail is not None:
            raise self.fail
        self.batches.append(records)

    async def record_call_event(
        self, business_id: str, event: str, payload: dict[str, Any]
    ) -> None:
        raise NotImplementedError

    async def caller(
        self, business_id: str, phone: str, after: datetime
    ) -> tuple[str | None, Appointment | None]:
        raise NotImplementedError

    async def call_trace(self, business_id: str, call_id: str) -> dict[str, Any]:
        raise NotImplementedError

    async def appointments_between(
        self, business_id: str, start: datetime, end: datetime
    ) -> list[Appointment]:
        raise NotImplementedError


async def test_calls_close_together_share_one_write() -> None:
    records = Records()
    journal = Journal(records, "biz")
    for n in range(30):
        journal.tool_call(f"call_{n}", "find_slots", "ok", 1.5, None)
    assert records.batches == []  # nothing written on the request path
    await asyncio.sleep(journal_module.FLUSH_SECONDS * 3)
    assert [len(b) for b in records.batches] == [30]
    assert [r.call_id for r in records.batches[0]] == [f"call_{n}" for n in range(30)]


async def test_a_full_batch_is_written_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_module, "BATCH_MAX", 10)
    records = Records()
    journal = Journal(records, "biz")
    for n in range(25):
        journal.tool_call(f"call_{n}", "find_slots", "ok", 1.0, None)
    await journal.drain()
    assert [len(b) for b in records.batches] == [10, 10, 5]


async def test_draining_writes_what_is_still_buffered() -> None:
    records = Records()
    journal = Journal(records, "biz")
    journal.tool_call("call_1", "book_appointment", "ok", 9.0, "apt_1")
    await journal.drain()
    assert [[r.appointment_id for r in b] for b in records.batches] == [["apt_1"]]


async def test_a_failed_write_is_logged_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    records = Records(fail=OSError("connection refused"))
    journal = Journal(records, "biz")
    journal.tool_call("call_1", "find_slots", "ok", 1.0, None)
    await journal.drain()
    said = capsys.readouterr()
    assert "journal.write_failed" in said.out + said.err


async def test_the_calls_of_several_businesses_share_one_write() -> None:
    records = Records()
    writer = ToolCallWriter(records)
    acme, harbour = Journal(records, "acme", writer), Journal(records, "harbour", writer)
    acme.tool_call("call_a", "find_slots", "ok", 1.0, None)
    harbour.tool_call("call_h", "find_slots", "ok", 1.0, None)
    await acme.drain()
    assert [[(r.business_id, r.call_id) for r in b] for b in records.batches] == [
        [("acme", "call_a"), ("harbour", "call_h")]
    ]
