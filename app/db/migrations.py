"""Applies ``supabase/migrations/*.sql`` in name order, once each, under an advisory lock.

The same files are what the Supabase CLI applies; the record of what ran here lives in its own
table so a database migrated by either tool ends up the same (every file is idempotent).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import structlog

log = structlog.get_logger(__name__)

# Any constant works; it only has to be the same for every instance starting at once.
LOCK_KEY = 7_146_251_903


async def apply_migrations(connection: asyncpg.Connection, directory: Path) -> list[str]:
    """Apply the pending migrations; return the names applied now."""
    files = await asyncio.to_thread(_read_all, directory)
    applied_now: list[str] = []
    async with connection.transaction():
        # Transaction-scoped: safe behind a transaction-mode pooler, released on commit.
        await connection.execute("select pg_advisory_xact_lock($1)", LOCK_KEY)
        await connection.execute(
            "create table if not exists frontdesk_migrations ("
            " name text primary key, applied_at timestamptz not null default now())"
        )
        done = {r["name"] for r in await connection.fetch("select name from frontdesk_migrations")}
        for name, sql in files:
            if name in done:
                continue
            await connection.execute(sql)
            await connection.execute("insert into frontdesk_migrations (name) values ($1)", name)
            applied_now.append(name)
    if applied_now:
        log.info("db.migrated", applied=applied_now)
    return applied_now


def _read_all(directory: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.sql"))]
