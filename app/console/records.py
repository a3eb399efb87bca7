"""What the console's pages read, one SQL function each (migration 20261124001300), through
the operator records' connection (asyncpg, or Supabase's RPC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.db.operator_records import OperatorRecords


async def recent_calls(
    records: OperatorRecords, business_id: str, start: datetime, end: datetime, limit: int = 200
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await records.call(
        "fd_console_calls",
        {"p_business": business_id, "p_from": start, "p_to": end, "p_limit": limit},
    )
    return found


async def health(records: OperatorRecords, business_id: str, since: datetime) -> dict[str, Any]:
    found: dict[str, Any] = await records.call(
        "fd_console_health", {"p_business": business_id, "p_since": since}
    )
    return found


async def insights(
    records: OperatorRecords, business_id: str, start: datetime, end: datetime, zone: str
) -> dict[str, Any]:
    found: dict[str, Any] = await records.call(
        "fd_console_insights",
        {"p_business": business_id, "p_from": start, "p_to": end, "p_zone": zone},
    )
    return found


async def tool_calls(
    records: OperatorRecords, business_id: str, call_id: str
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await records.call(
        "fd_console_tool_calls", {"p_business": business_id, "p_call_id": call_id}
    )
    return found
