"""A running server (uvicorn on a free loopback port) wired to the test database, and a client
that signs every request the way Retell does."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from retell.lib.webhook_auth import symmetric
from retell.types.phone_call_response import PhoneCallResponse

from app.factory import create_app
from app.settings import Settings
from tests.conftest import FIXTURES, NOW
from tests.fakes.google_calendar import FakeGoogle
from tests.fakes.serving import free_port, serving

RETELL_KEY = "key_e2e_4f1c2b"
OPERATOR_KEY = "op_e2e_7a9d"


@contextmanager
def running(settings: Settings) -> Iterator[str]:
    with serving(create_app(settings, clock=lambda: NOW), settings.port) as url:
        yield url


def settings_for(database_url: str, data_dir: Path, redis_url: str | None = None) -> Settings:
    return Settings(
        port=free_port(),
        data_dir=data_dir,
        business_config=FIXTURES / "business.toml",
        database_url=database_url,
        retell_api_key=RETELL_KEY,
        redis_url=redis_url,
        operator_api_key=OPERATOR_KEY,
        # The servers share the test database: the outbox tests deliver by hand, and a server
        # delivering in the background would only add log lines between tests.
        outbox_every_seconds=3600,
        database_pool_max=4,  # several servers share one Postgres during a run
    )


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the test database, with in-process idempotency (the embedded default)."""
    with running(settings_for(database_url, tmp_path_factory.mktemp("data"))) as url:
        yield url


@pytest.fixture(scope="session")
def redis_server(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app as deployed: Postgres and Redis."""
    settings = settings_for(database_url, tmp_path_factory.mktemp("data"), redis_url)
    with running(settings) as url:
        yield url


def retell_call(call_id: str = "call_5e1f0c", from_number: str = "+14155550123") -> dict[str, Any]:
    """A call object as Retell sends it mid-call, checked against the SDK's own type."""
    call = {
        "call_id": call_id,
        "call_type": "phone_call",
        "agent_id": "agent_8c2d7e",
        "agent_version": 3,
        "call_status": "ongoing",
        "direction": "inbound",
        "from_number": from_number,
        "to_number": "+12125550199",
        "start_timestamp": int(NOW.timestamp() * 1000),
        "transcript": "Agent: Thanks for calling Test Dental.\nUser: I'd like a cleaning.",
        "metadata": {},
        "retell_llm_dynamic_variables": {"business_name": "Test Dental"},
        "latency": {},
    }
    PhoneCallResponse.model_validate(call)
    return call


_last_stamp = 0


def sign(body: bytes, key: str = RETELL_KEY) -> str:
    """Retell's signature, with a fresh millisecond for every request, as every delivery
    (retries included) carries its own send time: a repeated signature is a replay."""
    global _last_stamp  # noqa: PLW0603 - one clock for the whole test session
    _last_stamp = max(int(time.time() * 1000), _last_stamp + 1)
    return str(symmetric["sign"](body.decode(), key, _last_stamp))


class RetellClient:
    """Posts tool calls signed with Retell's SDK signer."""

    def __init__(self, base_url: str, key: str = RETELL_KEY) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.key = key

    def post(
        self, path: str, body: bytes, signature: str | None = "sign", **extra: str
    ) -> httpx.Response:
        headers = {"content-type": "application/json", **extra}
        if signature == "sign":
            headers["x-retell-signature"] = sign(body, self.key)
        elif signature is not None:
            headers["x-retell-signature"] = signature
        return self.http.post(path, content=body, headers=headers)

    def tool(self, name: str, args: dict[str, Any], call: dict[str, Any] | None = None) -> Any:
        body = json.dumps({"name": name, "call": call or retell_call(), "args": args}).encode()
        response = self.post("/retell/functions", body)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def retell(live_server: str) -> Iterator[RetellClient]:
    client = RetellClient(live_server)
    yield client
    client.http.close()


async def eventually(pool: asyncpg.Pool, sql: str, *args: Any, expect: Any) -> Any:
    """Records written after the reply (call events, sync): wait for them, for 10 s at most."""
    deadline = time.monotonic() + 10
    while True:
        value = await pool.fetchval(sql, *args)
        if value == expect or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.05)


def notify(base: str, fake: FakeGoogle, calendar: str, token: str | None = None) -> int:
    """Google's push notification that ``calendar`` changed, on the channel the app opened."""
    channel = next(c for c in fake.channels.values() if c["calendar"] == calendar)
    response = httpx.post(
        f"{base}/google/notifications",
        headers={
            "X-Goog-Channel-ID": channel["id"],
            "X-Goog-Channel-Token": token or channel["token"],
            "X-Goog-Resource-ID": channel["resourceId"],
            "X-Goog-Resource-State": "exists",
            "X-Goog-Message-Number": "2",
        },
    )
    return response.status_code
