"""Starting ``python -m app`` when something it needs is missing: one clear line, exit 2."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.startup import database_address
from tests.conftest import FIXTURES
from tests.fakes.serving import free_port

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ.get("PATH", ""),
        "ALLOW_UNSIGNED_WEBHOOKS": "true",
        "BUSINESS_CONFIG": str(FIXTURES / "business.toml"),
        "DATA_DIR": str(tmp_path),
        "PORT": str(free_port()),
        "LOG_FORMAT": "json",
    }
    return subprocess.run(
        [sys.executable, "-m", "app"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def plain_lines(stderr: str) -> list[str]:
    """Lines that are not JSON log records."""
    found = []
    for line in stderr.splitlines():
        try:
            json.loads(line)
        except ValueError:
            found.append(line)
    return found


def test_a_database_that_refuses_is_retried_then_one_clear_line(tmp_path: Path) -> None:
    port = free_port()
    began = time.monotonic()
    run = start(
        tmp_path,
        DATABASE_URL=f"postgresql://postgres:secret@127.0.0.1:{port}/frontdesk",
        DATABASE_WAIT_SECONDS="2",
    )
    assert run.returncode == 2
    assert plain_lines(run.stderr) == [
        f"frontdesk: cannot start: database at 127.0.0.1:{port} refused the connection"
    ]
    assert '"startup.database_waiting"' in run.stderr  # it did retry, and said so
    assert 2 <= time.monotonic() - began < 30
    assert "secret" not in run.stderr


def test_unreadable_google_credentials_are_one_clear_line(tmp_path: Path) -> None:
    for credentials, says in [
        (str(tmp_path / "missing.json"), "FileNotFoundError"),
        ('{"type": "service_account", "private_key": "nope"}', "expected format"),
        ('{"type": "external_account"}', "service_account or authorized_user"),
    ]:
        run = start(tmp_path, GOOGLE_CALENDAR_ID="c@example.com", GOOGLE_CREDENTIALS=credentials)
        assert run.returncode == 2, run.stderr
        (line,) = plain_lines(run.stderr)
        assert line.startswith("frontdesk: cannot start: GOOGLE_CREDENTIALS: cannot be used")
        assert says in line


def test_the_database_address_names_host_and_port_only() -> None:
    assert database_address("postgresql://u:p@db.example.com:6543/x") == "db.example.com:6543"
    assert database_address("postgresql://u@localhost/x") == "localhost:5432"
    assert database_address("postgresql://u@/x?host=/run/pg") == "/run/pg:5432"


def test_a_served_process_prints_only_json_lines(database_url: str, tmp_path: Path) -> None:
    """uvicorn, asyncpg and Litestar log through app.logging: no plain line on stderr."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ALLOW_UNSIGNED_WEBHOOKS": "true",
        "BUSINESS_CONFIG": str(FIXTURES / "business.toml"),
        "DATA_DIR": str(tmp_path),
        "PORT": str(port),
        "LOG_FORMAT": "json",
        "DATABASE_URL": database_url,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/live").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        httpx.post(f"http://127.0.0.1:{port}/retell/functions", content=b"{")  # a 400
        with socket.create_connection(("127.0.0.1", port)) as raw:  # uvicorn warns about it
            raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            raw.recv(1024)
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert plain_lines(stderr) == []
    events = [json.loads(line)["event"] for line in stderr.splitlines()]
    assert "app.started" in events
    assert "Invalid HTTP request received." in events  # uvicorn's own warning, as JSON
