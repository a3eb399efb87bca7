"""Slow or bloated clients cannot pin the server: oversized headers get 431, a body that
stalls gets 408, and SIGTERM ends the process within its grace period even with a client
stuck mid-body."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tests.app.test_startup import demo_env, serving_demo
from tests.e2e.conftest import running, settings_for
from tests.fakes.serving import free_port


@pytest.fixture(scope="module")
def impatient_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = replace(
        settings_for(database_url, Path(tmp_path_factory.mktemp("data"))),
        body_timeout_seconds=1,
    )
    with running(settings) as url:
        yield url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _stall_mid_body(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(
        b"POST /retell/functions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    return client


def test_five_thousand_headers_are_refused_with_431(impatient_server: str) -> None:
    headers = [(f"x-h{i}", "1") for i in range(5000)]
    refused = httpx.get(f"{impatient_server}/health/live", headers=headers)
    assert refused.status_code == 431
    assert len(refused.headers["x-request-id"]) == 16  # traceable in the logs like any answer


def test_a_twenty_kilobyte_header_is_refused_with_431(impatient_server: str) -> None:
    response = httpx.get(f"{impatient_server}/health/live", headers={"x-big": "a" * 20_000})
    assert response.status_code == 431


def test_a_body_that_stalls_is_answered_408_and_the_connection_closed(
    impatient_server: str,
) -> None:
    began = time.monotonic()
    with _stall_mid_body(_port(impatient_server)) as client:
        answer = client.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
        assert b"x-request-id: " in answer.lower()
        assert client.recv(4096) == b""  # closed by the server
    assert time.monotonic() - began < 5


def test_sigterm_ends_the_server_within_its_grace_with_a_client_stuck_mid_body(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = demo_env(
        tmp_path / "data",
        port,
        DATABASE_URL=database_url,
        SHUTDOWN_GRACE_SECONDS="2",
        BODY_TIMEOUT_SECONDS="60",
    )
    with serving_demo(env) as server, _stall_mid_body(port):
        time.sleep(0.3)
        began = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        assert time.monotonic() - began < 8
