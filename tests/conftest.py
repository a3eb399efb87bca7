"""Shared fixtures: a real Postgres (the local server, or an embedded one where none answers),
a fresh database per run with the migrations applied, and the test business."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from agent_tools.business import Business
from agent_tools.ports import Deps
from app.business_config import load_business
from app.db.appointments import PostgresAppointmentStore, create_pool
from app.db.embedded import start_embedded_postgres
from app.db.migrations import apply_migrations
from app.settings import PROJECT_ROOT
from calendar_adapter.local import LocalCalendar

FIXTURES = Path(__file__).parent / "fixtures"
MIGRATIONS = PROJECT_ROOT / "supabase" / "migrations"
# Wednesday 2027-03-10, 10:00 in New York: a few days before the spring-forward change.
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def business() -> Business:
    return load_business(FIXTURES / "business.toml")


async def _reachable(url: str) -> bool:
    try:
        connection = await asyncpg.connect(url, timeout=2)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


@pytest.fixture(scope="session")
async def server_url() -> AsyncIterator[str]:
    """The maintenance URL of a real Postgres server: TEST_DATABASE_URL, else the machine's
    local one, else an embedded server started for this run."""
    url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    if await _reachable(url):
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="frontdesk-pg-") as directory:
        os.chmod(directory, 0o755)  # noqa: PTH101, S103 - pgserver runs postgres as another user
        embedded = await start_embedded_postgres(Path(directory))
        try:
            yield embedded.uri
        finally:
            await embedded.stop()


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    """A database of its own for this run, migrated, dropped at the end."""
    name = f"frontdesk_test_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}"')
    url = with_database(server_url, name)
    connection = await asyncpg.connect(url)
    await apply_migrations(connection, MIGRATIONS)
    await connection.close()
    try:
        yield url
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


def with_database(url: str, name: str) -> str:
    """``url`` with its database swapped; the query (a socket ``host=``) is kept."""
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] + "/" + name
    return f"{base}?{query}" if query else base


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url)
    yield pool
    await pool.close()


@pytest.fixture
async def clean_pool(pool: asyncpg.Pool) -> asyncpg.Pool:
    """The pool, with no appointments left from earlier tests."""
    await pool.execute("truncate appointments, customers, idempotency_records, tool_calls")
    return pool


@pytest.fixture
def calendar_path(tmp_path: Path) -> Path:
    return tmp_path / "calendar.json"


@pytest.fixture
def deps(business: Business, clean_pool: asyncpg.Pool, calendar_path: Path) -> Deps:
    return Deps(
        business=business,
        calendar=LocalCalendar(calendar_path),
        store=PostgresAppointmentStore(clean_pool),
        clock=lambda: NOW,
    )
