"""The migrations apply to an empty database, and applying them again changes nothing."""

from __future__ import annotations

import asyncio

import asyncpg

from app.db.migrations import apply_migrations
from tests.conftest import MIGRATIONS, with_database


async def test_migrations_apply_once_even_when_instances_start_together(server_url: str) -> None:
    admin = await asyncpg.connect(server_url)
    await admin.execute('drop database if exists "frontdesk_migrate_test" with (force)')
    await admin.execute('create database "frontdesk_migrate_test"')
    url = with_database(server_url, "frontdesk_migrate_test")
    try:
        connections = [await asyncpg.connect(url) for _ in range(3)]
        applied = await asyncio.gather(*(apply_migrations(c, MIGRATIONS) for c in connections))
        assert sorted(len(a) for a in applied) == [0, 0, len(list(MIGRATIONS.glob("*.sql")))]
        assert await apply_migrations(connections[0], MIGRATIONS) == []
        tables = {
            r["tablename"]
            for r in await connections[0].fetch(
                "select tablename from pg_tables where schemaname = 'public'"
            )
        }
        assert {"appointments", "calendars", "frontdesk_migrations"} <= tables
        for connection in connections:
            await connection.close()
    finally:
        await admin.execute('drop database if exists "frontdesk_migrate_test" with (force)')
        await admin.close()
