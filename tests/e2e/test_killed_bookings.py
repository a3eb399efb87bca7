"""Bookings whose process was SIGKILLed: the retry, on a fresh instance, answers with the
caller's own booking within seconds, never "taken" and never minutes of "in progress"."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from app.settings import PROJECT_ROOT
from tests.conftest import FIXTURES
from tests.e2e.conftest import RETELL_KEY, retell_call, sign
from tests.fakes.serving import free_port

LEASE_SECONDS = 6


@contextmanager
def app_process(
    database_url: str, redis_url: str, data_dir: Path, pause: str | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "BUSINESS_CONFIG": str(FIXTURES / "business.toml"),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RETELL_API_KEY": RETELL_KEY,
        "IDEMPOTENCY_INFLIGHT_SECONDS": str(LEASE_SECONDS),
        "RECONCILE_EVERY_SECONDS": "3600",
        "FD_TEST_REACHED": str(data_dir / "reached"),
    }
    if pause:
        env["FD_TEST_PAUSE"] = pause
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.app_process"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health/live", timeout=1).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the app process did not start")
            time.sleep(0.1)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def deliver(url: str, body: bytes, timeout: float = 30) -> httpx.Response:
    headers = {"content-type": "application/json", "x-retell-signature": sign(body)}
    return httpx.post(f"{url}/retell/functions", content=body, headers=headers, timeout=timeout)


def booking(start: str, call_id: str) -> bytes:
    args = {"service": "Cleaning", "start": start, "name": "Ada Lovelace"}
    return json.dumps(
        {"name": "book_appointment", "call": retell_call(call_id), "args": args}
    ).encode()


@pytest.mark.parametrize(
    ("pause", "start"),
    [("after_confirm", "2027-03-24T09:00"), ("create_event", "2027-03-24T13:00")],
)
async def test_a_retry_after_the_instance_died_books_once_within_seconds(
    pause: str,
    start: str,
    database_url: str,
    redis_url: str,
    redis: Redis,
    clean_pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    """Killed after committing (the reply lost) or mid-booking (the event not yet written): the
    retry gets the caller's own appointment, booked with its event, one row in all."""
    body = booking(start, f"call_killed_{pause}")
    with app_process(database_url, redis_url, tmp_path, pause) as (url, process):
        with pytest.raises(httpx.TimeoutException):
            deliver(url, body, timeout=2)
        assert (tmp_path / "reached").exists()
        process.send_signal(signal.SIGKILL)
    with app_process(database_url, redis_url, tmp_path) as (url, _):
        began = time.monotonic()
        reply = deliver(url, body)
        waited = time.monotonic() - began
    assert reply.status_code == 200, reply.text
    assert (reply.json()["ok"], reply.json()["appointment"]["status"]) == (True, "booked")
    assert waited < LEASE_SECONDS + 8  # the dead holder's lease, then at most the settle wait
    rows = await clean_pool.fetch("select status, calendar_event_id from appointments")
    assert [r["status"] for r in rows] == ["booked"]
    calendar = json.loads((tmp_path / "local-calendar.json").read_text())
    assert any(key.endswith(rows[0]["calendar_event_id"]) for key in calendar["events"])
