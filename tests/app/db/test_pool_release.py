"""A connection going back to the pool keeps no transaction open, and is not reset with a
round trip: nothing the app does leaves session state behind (app/db/appointments.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from app.db.appointments import create_pool


@pytest.fixture
async def one_connection(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The app's pool with a single connection: every acquire gets the one released before."""
    pool = await create_pool(database_url, max_size=1)
    yield pool
    await pool.close()


async def test_a_transaction_left_open_is_rolled_back_when_its_connection_returns(
    one_connection: asyncpg.Pool,
) -> None:
    async with one_connection.acquire() as connection:
        await connection.execute("begin")
        await connection.execute("create temporary table left_open (n int)")
    async with one_connection.acquire() as connection:
        assert not connection.is_in_transaction()
        assert await connection.fetchval("select to_regclass('pg_temp.left_open')") is None


async def test_a_released_connection_is_not_reset_so_session_settings_would_survive_it(
    one_connection: asyncpg.Pool,
) -> None:
    """Why the app must never set session state: this pool would hand it to the next use."""
    async with one_connection.acquire() as connection:
        await connection.execute("set application_name = 'left behind'")
    async with one_connection.acquire() as connection:
        assert await connection.fetchval("show application_name") == "left behind"


async def test_the_default_reset_would_have_cleared_it(database_url: str) -> None:
    """The contrast: asyncpg's own reset, as the start-up migration connection still runs."""
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("set application_name = 'left behind'")
        await connection.reset()
        assert await connection.fetchval("show application_name") != "left behind"
    finally:
        await connection.close()
