"""The durable tier: final replies kept in Postgres (``idempotency_records``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from supabase import AsyncClient


class PostgresRecords:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def lookup(self, key: str) -> tuple[str, int, dict[str, Any]] | None:
        row = await self._pool.fetchrow(
            "select fingerprint, status_code, body from idempotency_records"
            " where key = $1 and created_at > now() - interval '24 hours'",
            key,
        )
        if row is None:
            return None
        return row["fingerprint"], row["status_code"], json.loads(row["body"])

    async def keep(self, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        await self._pool.execute(
            "insert into idempotency_records (key, fingerprint, status_code, body)"
            " values ($1, $2, $3, $4) on conflict (key) do nothing",
            key,
            fingerprint,
            status,
            json.dumps(body),
        )


class SupabaseRecords:
    """The same table through PostgREST, for deployments without a direct database URL."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def lookup(self, key: str) -> tuple[str, int, dict[str, Any]] | None:
        since = (datetime.now(UTC) - timedelta(hours=24)).isoformat()
        response = await (
            self._client.table("idempotency_records")
            .select("fingerprint,status_code,body")
            .eq("key", key)
            .gt("created_at", since)
            .execute()
        )
        if not response.data:
            return None
        row = response.data[0]
        if not isinstance(row, dict):
            return None
        return str(row["fingerprint"]), int(row["status_code"]), json.loads(str(row["body"]))

    async def keep(self, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        record = {
            "key": key,
            "fingerprint": fingerprint,
            "status_code": status,
            "body": json.dumps(body),
        }
        await (
            self._client.table("idempotency_records")
            .upsert(record, on_conflict="key", ignore_duplicates=True)
            .execute()
        )
