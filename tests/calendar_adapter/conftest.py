"""A fake Google (tests/fakes) on loopback, and service-account credentials whose token_uri
points at it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials
from tests.fakes.google_calendar import FakeGoogle
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


def make_service_account(token_base_url: str) -> str:
    """A service-account key (freshly generated) whose token_uri is the fake's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info: dict[str, Any] = {
        "type": "service_account",
        "project_id": "frontdesk-test",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "frontdesk@frontdesk-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": f"{token_base_url}/token",
    }
    return json.dumps(info)


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
