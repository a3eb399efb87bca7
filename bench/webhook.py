"""Whole tool calls on the embedded defaults: signed HTTP requests to a running `python -m app`
(embedded Postgres, local calendar seeded with 2,000 busy events over the 60-day horizon), timed
at the client over a kept-alive connection.

    python -m bench.webhook [--calls 300] [--bookings 60] [--busy 2000] [--staff 8]

Two servers in one run: the one-calendar test business (2,000 busy events), then the same
business with 8 staff who each have 500 busy events, searched for "anyone" (issue 11); the
second's figures are also given as ratios to the first's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
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


def seed_calendar(path: Path, calendars: list[str], per_calendar: int) -> None:
    """Short events scattered over the next 60 days in each calendar, as a busy practice's
    calendars look."""
    rng = random.Random(7)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    events = {}
    for calendar in calendars:
        for index in range(per_calendar):
            start = now + timedelta(minutes=5 * rng.randrange(0, 60 * 24 * 12))
            end = start + timedelta(minutes=rng.choice([15, 30, 45]))
            events[f"{calendar}/seed{index}"] = {
                "calendar_id": calendar,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "summary": "Busy",
                "description": "",
                "appointment_id": "",
            }
    path.write_text(json.dumps({"events": events}), encoding="utf-8")


def staff_config(path: Path, size: int) -> list[str]:
    """The one-calendar test business with ``size`` people who do everything; their calendars."""
    calendars = [f"person{i}@bench.test" for i in range(size)]
    people = "".join(
        f'\n[[staff]]\nname = "Person {i}"\ncalendar = "{c}"\n' for i, c in enumerate(calendars)
    )
    path.write_text(ONE_CALENDAR.read_text(encoding="utf-8") + people, encoding="utf-8")
    return calendars


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


ONE_CALENDAR = Path(__file__).parent.parent / "tests" / "fixtures" / "business.toml"


def measure(
    config: Path, calendars: list[str], per_calendar: int, calls: int, bookings: int
) -> dict[str, list[float]]:
    """Whole tool calls against a fresh server for ``config``, its calendars seeded."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as data_dir:
        Path(data_dir).chmod(0o755)
        seed_calendar(Path(data_dir) / "local-calendar.json", calendars, per_calendar)
        env = {
            **os.environ,
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "RETELL_API_KEY": KEY,
            "LOG_LEVEL": "warning",
            "BUSINESS_CONFIG": str(config),
        }
        env.pop("DATABASE_URL", None)
        server = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            with httpx.Client(base_url=base, timeout=10) as client:
                return _calls(client, calls, bookings)
        finally:
            server.terminate()
            server.wait(timeout=20)


def _calls(client: httpx.Client, calls: int, bookings: int) -> dict[str, list[float]]:
    for i in range(20):
        signed(client, "find_slots", {"service": "checkup"}, f"warm{i}")
    finds = [signed(client, "find_slots", {"service": "checkup"}, f"f{i}")[0] for i in range(calls)]
    days = [
        signed(
            client,
            "find_slots",
            {"service": "checkup", "when": "next Tuesday after lunch"},
            f"d{i}",
        )[0]
        for i in range(calls)
    ]
    books = []
    for i in range(bookings):
        _, found = signed(client, "find_slots", {"limit": 1, "service": "checkup"}, f"b{i}")
        assert found["ok"], found
        slot = found["slots"][0]["slot_id"]
        elapsed, booked = signed(
            client,
            "book_appointment",
            {"slot_id": slot, "name": f"Bench {i}", "phone": f"+1415555{i:04d}"},
            f"b{i}",
        )
        assert booked["ok"], booked
        books.append(elapsed)
    return {
        "find_slots (earliest)": finds,
        "find_slots (next Tue p.m.)": days,
        "book_appointment": books,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--bookings", type=int, default=60)
    parser.add_argument("--busy", type=int, default=2000, help="busy events, one calendar")
    parser.add_argument("--staff", type=int, default=8)
    parser.add_argument("--staff-busy", type=int, default=500, help="busy events per person")
    options = parser.parse_args()
    one = measure(ONE_CALENDAR, ["primary"], options.busy, options.calls, options.bookings)
    with tempfile.TemporaryDirectory(prefix="frontdesk-staff-") as folder:
        config = Path(folder) / "staff.toml"
        calendars = staff_config(config, options.staff)
        team = measure(config, calendars, options.staff_busy, options.calls, options.bookings)
    print(f"machine: {machine()}; embedded Postgres, local calendar, signed requests")
    print(f"one calendar with {options.busy} busy events (the baseline):")
    for name, samples in one.items():
        print(f"  {name:28s} {summary(samples)}")
    print(f"{options.staff} staff, 'anyone', {options.staff_busy} busy events each:")
    for name, samples in team.items():
        ratio = statistics.median(samples) / statistics.median(one[name])
        print(f"  {name:28s} {summary(samples)}  ({ratio:.2f}x one calendar)")


if __name__ == "__main__":
    main()
