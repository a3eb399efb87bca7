"""Which replies are kept for retries, and when a kept one is no longer the truth."""

from __future__ import annotations

from typing import Any

import asyncpg

from agent_tools.ports import CallContext, Deps
from app.idempotency.guard import IdempotencyGuard
from app.idempotency.memory import MemoryTier
from app.idempotency.records import PostgresRecords
from app.tool_calls import answer

CALL = CallContext(call_id="call_kept", from_number="+15551230000")
NINE = {"start": "2027-03-11T09:00", "name": "Ada", "service": "Cleaning"}


def new_guard(pool: asyncpg.Pool) -> IdempotencyGuard:
    return IdempotencyGuard(MemoryTier(3600, 10), PostgresRecords(pool), 0.5)


async def ask(
    guard: IdempotencyGuard, deps: Deps, call: CallContext, tool: str, args: dict[str, Any]
) -> Any:
    status, body = await answer(tool, args, call, deps, guard=guard)
    assert status == 200
    return body


async def test_booking_a_slot_again_after_cancelling_it_in_the_same_call_books_it(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    """Book, cancel, then ask for the same slot with the same words: the caller is booked again,
    not told "you're booked" from the first, cancelled booking's kept reply."""
    guard = new_guard(clean_pool)
    first = await ask(guard, deps, CALL, "book_appointment", NINE)
    cancel = {"appointment_id": first["appointment"]["appointment_id"]}
    assert (await ask(guard, deps, CALL, "cancel_appointment", cancel))["ok"]

    again = await ask(guard, deps, CALL, "book_appointment", NINE)

    assert again["ok"], again
    booked = await clean_pool.fetch("select id from appointments where status = 'booked'")
    assert [r["id"] for r in booked] == [again["appointment"]["appointment_id"]]


async def test_a_reply_still_true_is_replayed_as_it_was(
    deps: Deps, clean_pool: asyncpg.Pool
) -> None:
    guard = new_guard(clean_pool)
    first = await ask(guard, deps, CALL, "book_appointment", NINE)
    again = await ask(guard, deps, CALL, "book_appointment", NINE)
    assert again == first
    assert await clean_pool.fetchval("select count(*) from appointments") == 1
