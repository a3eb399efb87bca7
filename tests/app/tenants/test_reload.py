"""Reloading the businesses without a restart: SIGHUP re-reads the directory; a valid set
replaces the old one whole, an invalid one is refused and the old one keeps serving."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from agent_tools.errors import ConfigError
from app.db.appointments import PostgresAppointmentStore
from app.settings import Settings
from app.tenants.config import load_tenants
from app.tenants.host import TenantHost
from app.tenants.wiring import Shared
from tests.conftest import FIXTURES, NOW

DENTAL = (FIXTURES / "business.toml").read_text(encoding="utf-8")
LONDON = (FIXTURES / "london.toml").read_text(encoding="utf-8")


@pytest.fixture
async def host(tmp_path: Path, clean_pool: asyncpg.Pool) -> AsyncIterator[TenantHost]:
    directory = tmp_path / "businesses"
    directory.mkdir()
    (directory / "dental.toml").write_text(DENTAL, encoding="utf-8")
    shared = Shared(
        Settings(data_dir=tmp_path, business_config=directory, allow_unsigned_webhooks=True),
        PostgresAppointmentStore(clean_pool),
        clean_pool,
        lambda: NOW,
        single_file=False,
    )
    started = await TenantHost.start(shared, directory, load_tenants(directory))
    yield started
    await started.aclose()


async def test_a_valid_new_set_replaces_the_old_and_unchanged_businesses_keep_running(
    host: TenantHost, tmp_path: Path
) -> None:
    dental = host.current.get("test-dental")
    (tmp_path / "businesses" / "london.toml").write_text(LONDON, encoding="utf-8")
    outcome = await host.reload()
    assert (outcome.added, outcome.removed, outcome.serving) == (("london-clinic",), (), 2)
    assert host.current.get("test-dental") is dental  # not rebuilt
    running = len(asyncio.all_tasks())
    (tmp_path / "businesses" / "dental.toml").unlink()
    removed = await host.reload()
    assert removed.removed == ("test-dental",)
    assert host.current.get("test-dental") is None
    assert len(asyncio.all_tasks()) < running  # its reconciler was stopped


async def test_an_invalid_set_is_refused_with_its_reason_and_the_old_set_keeps_serving(
    host: TenantHost, tmp_path: Path
) -> None:
    before = host.current
    (tmp_path / "businesses" / "london.toml").write_text(
        LONDON.replace("[hours]", "[hours]\nmonday = []"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"london\.toml: unknown key `hours\.monday`"):
        await host.reload()
    assert host.current is before


async def test_sighup_reloads_the_directory(host: TenantHost, tmp_path: Path) -> None:
    assert host.listen_for_sighup()
    (tmp_path / "businesses" / "london.toml").write_text(LONDON, encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)
    for _ in range(200):
        if host.current.get("london-clinic") is not None:
            break
        await asyncio.sleep(0.02)
    assert host.current.get("london-clinic") is not None
