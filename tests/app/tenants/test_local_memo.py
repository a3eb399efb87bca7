"""A business on a local calendar file keeps its searches' answers (app/tenants/wiring.py):
the file's change count versions it beside Postgres, so an event written to the file shows in
the very next search, with no change in Postgres at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext
from app.db.appointments import PostgresAppointmentStore
from app.db.kept_answers import KeptAnswers
from app.db.span_cache import SpanCache
from app.db.versions import VersionReader, one_version_per_call, postgres_versions
from app.settings import Settings
from app.tenants.config import load_tenants
from app.tenants.registry import Tenant
from app.tenants.wiring import Shared, build_tenant
from calendar_adapter.protocol import NewEvent
from tests.conftest import FIXTURES, NOW


@pytest.fixture
async def tenant(tmp_path: Path, clean_pool: asyncpg.Pool) -> AsyncIterator[Tenant]:
    cache = SpanCache(VersionReader(postgres_versions(clean_pool)).read)
    shared = Shared(
        Settings(data_dir=tmp_path, allow_unsigned_webhooks=True),
        PostgresAppointmentStore(clean_pool, cache),
        clean_pool,
        lambda: NOW,
        single_file=True,
        cache=cache,
    )
    built = await build_tenant(load_tenants(FIXTURES / "business.toml")[0], shared)
    yield built
    await built.stack.aclose()


async def first_offer(tenant: Tenant) -> datetime:
    with one_version_per_call():
        reply = await find_slots(FindSlotsArgs(service="checkup"), CallContext(), tenant.deps)
    return datetime.fromisoformat(reply.slots[0].start)


async def test_an_event_written_to_the_local_calendar_shows_in_the_next_search(
    tenant: Tenant,
) -> None:
    memo = tenant.deps.memo
    assert isinstance(memo, KeptAnswers)
    offered = await first_offer(tenant)
    assert await first_offer(tenant) == offered and memo.hits >= 1  # kept
    event = NewEvent("fdlocal1", offered, offered + timedelta(hours=1), "Staff", "", "")
    await tenant.deps.calendar.create_event("primary", event)
    assert await first_offer(tenant) > offered
    await tenant.deps.calendar.delete_event("primary", "fdlocal1")
    assert await first_offer(tenant) == offered
