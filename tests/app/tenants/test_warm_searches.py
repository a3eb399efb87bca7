"""A business on Google opens its searches once its calendars are first synced
(app/tenants/wiring.py), so its first caller's search reads no busy time; with Google away at
start the first search reads for itself (as before), and the log says why."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext
from app.db.appointments import PostgresAppointmentStore
from app.db.span_cache import SpanCache
from app.db.versions import VersionReader, one_version_per_call, postgres_versions
from app.logging import configure_logging
from app.settings import Settings
from app.tenants.config import load_tenants
from app.tenants.registry import Tenant
from app.tenants.wiring import Shared, build_tenant
from calendar_adapter.google_auth import load_credentials
from tests.conftest import FIXTURES, NOW
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving

CALENDAR = "warm@example.com"
AWAY = "away@example.com"  # another calendar: the mirror a test syncs outlives it


@pytest.fixture
def google() -> Iterator[tuple[FakeGoogle, str]]:
    fake = FakeGoogle()
    fake.events[CALENDAR] = {}
    fake.events[AWAY] = {}
    with serving(fake.app()) as url:
        yield fake, url


@asynccontextmanager
async def on_google(
    google: tuple[FakeGoogle, str], tmp_path: Path, pool: asyncpg.Pool, calendar: str
) -> AsyncIterator[tuple[Tenant, SpanCache]]:
    _, url = google
    cache = SpanCache(VersionReader(postgres_versions(pool)).read)
    shared = Shared(
        Settings(
            data_dir=tmp_path,
            allow_unsigned_webhooks=True,
            google_calendar_ids=(calendar,),
            google_api_base_url=url,
            google_deadline_seconds=0.5,
            google_poll_seconds=3600,
        ),
        PostgresAppointmentStore(pool, cache),
        pool,
        lambda: NOW,
        single_file=True,
        credentials=load_credentials(make_service_account(url)),
        cache=cache,
    )
    tenant = await build_tenant(load_tenants(FIXTURES / "business.toml")[0], shared)
    try:
        yield tenant, cache
    finally:
        await tenant.stack.aclose()
        await cache.aclose()


@pytest.fixture
async def tenant(
    google: tuple[FakeGoogle, str], tmp_path: Path, clean_pool: asyncpg.Pool
) -> AsyncIterator[tuple[Tenant, SpanCache]]:
    async with on_google(google, tmp_path, clean_pool, CALENDAR) as built:
        yield built


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait for background work to make ``condition`` true (it has no event to wait on)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    assert condition(), "not within the time allowed"


async def test_the_first_search_after_the_first_sync_reads_no_busy_time(
    tenant: tuple[Tenant, SpanCache],
) -> None:
    built, cache = tenant
    # The busy time of our appointments and of the mirror, read once the mirror is synced.
    await until(lambda: cache.misses >= 2)
    reads = cache.misses
    with one_version_per_call():
        reply = await find_slots(FindSlotsArgs(service="checkup"), CallContext(), built.deps)
    assert reply.slots
    assert cache.misses == reads


async def test_a_google_away_at_start_is_said_in_the_log_with_the_business(
    google: tuple[FakeGoogle, str],
    tmp_path: Path,
    clean_pool: asyncpg.Pool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, _ = google
    fake.fail("token", *([503] * 100))
    configure_logging("json", "info")
    said: list[dict[str, str]] = []

    def warm_failed() -> bool:
        lines = capsys.readouterr().err.splitlines()
        said.extend(json.loads(line) for line in lines if line.startswith("{"))
        return any(line["event"] == "searches.warm_failed" for line in said)

    async with on_google(google, tmp_path, clean_pool, AWAY):
        await until(warm_failed, 30)
    failed = next(line for line in said if line["event"] == "searches.warm_failed")
    assert (failed["error"], failed["business"]) == ("CalendarUnavailableError", "test-dental")
