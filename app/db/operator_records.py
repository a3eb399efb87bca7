"""What operators search: calls by number and day, and an appointment's history. One SQL
function each, called over asyncpg or through Supabase's RPC alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg

from app.db.faults import store_faults

Rpc = Callable[[str, dict[str, Any]], Awaitable[Any]]


class OperatorRecords:
    def __init__(self, rpc: Rpc) -> None:
        self._rpc = rpc

    @classmethod
    def over_pool(cls, pool: asyncpg.Pool) -> OperatorRecords:
        async def rpc(function: str, params: dict[str, Any]) -> Any:
            named = ", ".join(f"{name} => ${i}" for i, name in enumerate(params, start=1))
            async with store_faults():
                return await pool.fetchval(f"select {function}({named})", *params.values())

        return cls(rpc)

    @classmethod
    def over_supabase(cls, call: Rpc) -> OperatorRecords:
        """``call``: SupabaseAppointmentStore.call (PostgREST takes times as ISO strings)."""

        async def rpc(function: str, params: dict[str, Any]) -> Any:
            sent = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in params.items()}
            return await call(function, sent)

        return cls(rpc)

    async def call(self, function: str, params: dict[str, Any]) -> Any:
        """One of the read functions the console's pages use (app/console/records.py)."""
        return await self._rpc(function, params)

    async def find_calls(
        self, business_id: str, phone: str | None, start: datetime | None, end: datetime | None
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._rpc(
            "fd_find_calls",
            {"p_business": business_id, "p_phone": phone, "p_from": start, "p_to": end},
        )
        return found

    async def history(self, appointment_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._rpc(
            "fd_appointment_history", {"p_appointment": appointment_id}
        )
        return found

    async def note(self, appointment_id: str, action: str, actor: str, reason: str) -> None:
        await self._rpc(
            "fd_note_history",
            {
                "p_appointment": appointment_id,
                "p_action": action,
                "p_actor": actor,
                "p_reason": reason,
            },
        )
