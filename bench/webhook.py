"""Whole tool calls on the embedded defaults: signed HTTP requests to a running `python -m app`
(embedded Postgres, local calendar seeded with 2,000 busy events over the 60-day horizon), timed
at the client over a kept-alive connection.

    python -m bench.webhook [--calls 300] [--bookings 100] [--busy 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from retell.lib.webhook_auth import symmetric

from bench.stats import machine, summary

KEY = "key_bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def signed(
    client: httpx.Client, name: str, args: dict[str, Any], call_id: str
) -> tuple[float, Any]:
    call = {
        "call_id": call_id,
        "from_number": "+14155550123",
        "call_type": "phone_call",
        "direction": "inbound",
        "start_timestamp": int(time.time() * 1000),
    }
    body = json.dumps({"name": name, "call": call, "args": args})
    headers = {
        "x-retell-signature": symmetric["sign"](body, KEY),
        "content-type": "application/json",
    }
    began = time.perf_counter()
    response = client.post("/retell/functions", content=body, headers=headers)
    elapsed = (time.perf_counter() - began) * 1000
    response.raise_for_status()
    return elapsed, response.json()


def seed_calendar(path: Path, count: int) -> None:
    """Short events scattered over the next 60 days, as a busy practice's calendar looks."""
    rng = random.Random(7)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    events = {}
    for index in range(count):
        start = now + timedelta(minutes=5 * rng.randrange(0, 60 * 24 * 12))
        end = start + timedelta(minutes=rng.choice([15, 30, 45]))
        events[f"primary/seed{index}"] = {
            "calendar_id": "primary",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "summary": "Busy",
            "description": "",
            "appointment_id": "",
        }
    path.write_text(json.dumps({"events": events}), encoding="utf-8")


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(f"{base}/health/ready").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--bookings", type=int, default=60)
    parser.add_argument("--busy", type=int, default=2000)
    options = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as data_dir:
        Path(data_dir).chmod(0o755)
        seed_calendar(Path(data_dir) / "local-calendar.json", options.busy)
        env = {
            **os.environ,
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "RETELL_API_KEY": KEY,
            "LOG_LEVEL": "warning",
        }
        env.pop("DATABASE_URL", None)
        server = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            with httpx.Client(base_url=base, timeout=10) as client:
                for i in range(20):
                    signed(client, "find_slots", {}, f"warm{i}")
                finds = [
                    signed(client, "find_slots", {"when": None}, f"f{i}")[0]
                    for i in range(options.calls)
                ]
                days = [
                    signed(client, "find_slots", {"when": "next Tuesday after lunch"}, f"d{i}")[0]
                    for i in range(options.calls)
                ]
                books = []
                for i in range(options.bookings):
                    _, found = signed(
                        client, "find_slots", {"limit": 1, "service": "checkup"}, f"b{i}"
                    )
                    assert found["ok"], found
                    slot = found["slots"][0]["slot_id"]
                    elapsed, booked = signed(
                        client, "book_appointment", {"slot_id": slot, "name": f"Bench {i}"}, f"b{i}"
                    )
                    assert booked["ok"], booked
                    books.append(elapsed)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(
        f"machine: {machine()}; embedded Postgres, local calendar with {options.busy} busy "
        "events, signed requests"
    )
    print(f"{'find_slots (earliest)':28s} {summary(finds)}")
    print(f"{'find_slots (next Tue p.m.)':28s} {summary(days)}")
    print(f"{'book_appointment':28s} {summary(books)}")


if __name__ == "__main__":
    main()
