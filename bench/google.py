"""find_slots and booking against Google (a local Calendar v3 stand-in answering every request
after 150 ms): with the mirror fresh, and with a freeBusy round trip on every search. Counts the
Google requests each tool call makes.

    python -m bench.google [--calls 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.booking import fresh_database
from bench.stats import machine, summary
from bench.webhook import KEY, free_port, signed, staff_config, wait_ready
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving

# The single-calendar test business (the demo has staff: see bench.staff for those).
ONE_CALENDAR = str(Path(__file__).parent.parent / "tests" / "fixtures" / "business.toml")

CAL = "bench@group.calendar.google.com"
LATENCY = 0.150


def free_busy(fake: FakeGoogle) -> int:
    """freeBusy requests so far: what a search asks Google (sync and watch run beside it)."""
    return sum(1 for route, _ in fake.requests if route == "freeBusy")


def run(
    fake: FakeGoogle, google_url: str, mirror: bool, calls: int, config: str = ONE_CALENDAR
) -> dict[str, object]:
    database_url = asyncio.run(fresh_database("frontdesk_bench_google"))
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as data_dir:
        env = {
            **os.environ,
            "BUSINESS_CONFIG": config,
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "RETELL_API_KEY": KEY,
            "LOG_LEVEL": "warning",
            "DATABASE_URL": database_url,
            "GOOGLE_CALENDAR_ID": CAL,
            "GOOGLE_CREDENTIALS": make_service_account(google_url),
            "GOOGLE_API_BASE_URL": google_url,
            "GOOGLE_MIRROR_FRESH_SECONDS": "3600" if mirror else "0",
        }
        server = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            time.sleep(2 if mirror else 0.5)  # the first poll fills the mirror
            with httpx.Client(base_url=base, timeout=20) as client:
                before = free_busy(fake)
                finds = [
                    signed(client, "find_slots", {"service": "checkup"}, f"f{i}")[0]
                    for i in range(calls)
                ]
                per_find = (free_busy(fake) - before) / calls
                books = []
                before = len(fake.requests)
                for i in range(10):
                    _, found = signed(
                        client, "find_slots", {"limit": 1, "service": "checkup"}, f"b{i}"
                    )
                    mark = len(fake.requests)
                    args = {
                        "slot_id": found["slots"][0]["slot_id"],
                        "name": f"Bench {i}",
                        "phone": f"+1415555{i:04d}",
                    }
                    elapsed, booked = signed(client, "book_appointment", args, f"b{i}")
                    assert booked["ok"], booked
                    books.append((elapsed, len(fake.requests) - mark))
        finally:
            server.terminate()
            server.wait(timeout=20)
    return {"finds": finds, "per_find": per_find, "books": books}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    options = parser.parse_args()
    fake = FakeGoogle()
    fake.events[CAL] = {}
    for route in ("freeBusy", "insert", "get", "patch", "delete", "list"):
        fake.latency[route] = LATENCY
    with serving(fake.app()) as google_url:
        fresh = run(fake, google_url, mirror=True, calls=options.calls)
        live = run(fake, google_url, mirror=False, calls=options.calls)
        with tempfile.TemporaryDirectory(prefix="frontdesk-staff-") as folder:
            config = Path(folder) / "staff.toml"
            for calendar in staff_config(config, 8):
                fake.events[calendar] = {}
            team = run(fake, google_url, mirror=False, calls=options.calls, config=str(config))
    print(f"machine: {machine()}; Google stand-in answering after {LATENCY * 1000:.0f} ms")
    for name, result in (
        ("mirror fresh", fresh),
        ("freeBusy each time", live),
        ("8 staff, freeBusy", team),
    ):
        finds = result["finds"]
        books = result["books"]
        assert isinstance(finds, list) and isinstance(books, list)
        print(
            f"find_slots, {name:20s} {summary(finds)}; freeBusy requests per call: "
            f"{result['per_find']:.2f}"
        )
        print(
            f"book_appointment, {name:14s} {summary([b[0] for b in books])}; Google requests "
            f"per booking: {sum(b[1] for b in books) / len(books):.2f}"
        )


if __name__ == "__main__":
    main()
