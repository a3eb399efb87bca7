"""A fake Google (tests/fakes) on loopback, and service-account credentials whose token_uri
points at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving


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
