"""Forcing a calendar resync from the console's health page: a staff edit made in Google (no push
channel to announce it, the next poll an hour away) reaches the mirror when the operator asks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.settings import Settings
from tests.conftest import FIXTURES
from tests.e2e.conftest import OPERATOR_KEY, RETELL_KEY, eventually, running
from tests.e2e.console_server import console_server
from tests.e2e.test_console import csrf_of, signed_in
from tests.e2e.test_google_sync import event_body
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import free_port, serving

__all__ = ["console_server"]

SHARED = "team@clinic.test"
MAYA = "maya@clinic.test"


@pytest.fixture(scope="module")
def google_console(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FakeGoogle, str]]:
    fake = FakeGoogle()
    with serving(fake.app()) as google_url:
        for calendar in (SHARED, MAYA, "sam@clinic.test", "lena@clinic.test"):
            fake.events[calendar] = {}
        settings = Settings(
            port=free_port(),
            data_dir=Path(tmp_path_factory.mktemp("console-google")),
            business_config=FIXTURES / "clinic.toml",
            database_url=database_url,
            redis_url=redis_url,
            retell_api_key=RETELL_KEY,
            google_calendar_ids=(SHARED,),
            google_credentials=make_service_account(google_url),
            google_api_base_url=google_url,
            google_poll_seconds=3600,  # no push channels (no PUBLIC_BASE_URL), no poll soon
            operator_api_key=OPERATOR_KEY,
        )
        with running(settings) as url:
            yield fake, url


def ask_for_resync(base: str) -> tuple[int, int, str]:
    with signed_in(base) as client:
        health = client.get("/console/health")
        assert "Resync calendars now" in health.text
        refused = client.post("/console/health/resync").status_code  # no token
        done = client.post("/console/health/resync", data={"csrf": csrf_of(health)})
        return refused, done.status_code, client.get(done.headers["location"]).text


async def test_resync_calendars_now_reads_a_google_edit_the_app_was_not_told_of(
    google_console: tuple[FakeGoogle, str], clean_pool: asyncpg.Pool
) -> None:
    fake, base = google_console
    await eventually(  # the start's first pass has read every calendar
        clean_pool, "select count(*) from calendar_sync where synced_at is not null", expect=4
    )
    fake.put_event(MAYA, event_body("dentist-lunch", "2027-03-11T12:00:00-05:00"))
    await asyncio.sleep(0.5)
    unseen = await clean_pool.fetchval(
        "select count(*) from calendar_mirror where event_id = 'dentist-lunch'"
    )
    refused, done, page = await asyncio.to_thread(ask_for_resync, base)
    assert (unseen, refused, done) == (0, 403, 303)
    assert "Every calendar is being read again now." in page
    await eventually(
        clean_pool,
        "select count(*) from calendar_mirror where event_id = 'dentist-lunch'",
        expect=1,
    )


def test_without_google_the_health_page_offers_no_resync(console_server: str) -> None:
    with signed_in(console_server) as client:
        assert "Resync calendars now" not in client.get("/console/health").text
        assert httpx.codes.is_success(client.get("/console/health").status_code)
