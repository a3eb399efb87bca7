"""Messages the receptionist takes, kept with the sends that tell the business (one SQL
function, one transaction: migration 20261124003100)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agent_tools.business import Business
from agent_tools.ports import Message
from app.db.operator_records import OperatorRecords
from app.outbox.events import message_sends


class SqlMessageDesk:
    """Over the operator records' connection (asyncpg, or Supabase's RPC)."""

    def __init__(self, records: OperatorRecords) -> None:
        self._records = records

    async def take(self, message: Message, business: Business) -> Message:
        kept = await self._records.call(
            "fd_take_message",
            {"p": message_json(message), "p_sends": message_sends(message, business)},
        )
        return message_from(kept)

    async def inbox(self, business_id: str, limit: int = 200) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._records.call(
            "fd_messages", {"p_business": business_id, "p_limit": limit}
        )
        return found

    async def handled(self, business_id: str, message_id: str, by: str) -> bool:
        done = await self._records.call(
            "fd_message_handled", {"p_business": business_id, "p_id": message_id, "p_by": by}
        )
        return bool(done)


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "business_id": message.business_id,
        "call_id": message.call_id,
        "name": message.name,
        "phone": message.phone,
        "body": message.body,
        "callback_start": _iso(message.callback_start),
        "callback_end": _iso(message.callback_end),
        "callback_phrase": message.callback_phrase,
        "urgent": message.urgent,
    }


def message_from(row: dict[str, Any]) -> Message:
    return Message(
        message_id=row["id"],
        business_id=row["business_id"],
        call_id=row.get("call_id"),
        name=row.get("name") or "",
        phone=row.get("phone") or "",
        body=row["body"],
        callback_start=_time(row.get("callback_start")),
        callback_end=_time(row.get("callback_end")),
        callback_phrase=row.get("callback_phrase"),
        urgent=bool(row.get("urgent")),
        taken_at=_time(row.get("created_at")) or datetime.now(UTC),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
