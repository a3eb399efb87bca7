"""Booking on Postgres + Redis, as deployed: signed book_appointment calls to `python -m app`
with DATABASE_URL and REDIS_URL, then the same calls again (the replay a retry gets).

    python -m bench.booking [--bookings 200]
    DATABASE_URL / REDIS_URL override the local servers (a database `frontdesk_bench` is made).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
import httpx

from bench.stats import machine, summary
from bench.webhook import KEY, free_port, signed, wait_ready

# The single-calendar test business (the demo has staff: see bench.staff for those).
ONE_CALENDAR = str(Path(__file__).parent.parent / "tests" / "fixtures" / "business.toml")

ADMIN_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")


async def fresh_database(name: str = "frontdesk_bench") -> str:
    """An empty database on the local server (the app migrates it at start)."""
    admin = await asyncpg.connect(ADMIN_URL)
    await admin.execute(f'drop database if exists "{name}" with (force)')
    await admin.execute(f'create database "{name}"')
    await admin.close()
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=200)
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or asyncio.run(fresh_database())
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as data_dir:
        env = {
            **os.environ,
            "BUSINESS_CONFIG": ONE_CALENDAR,
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "RETELL_API_KEY": KEY,
            "LOG_LEVEL": "warning",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
        }
        server = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            with httpx.Client(base_url=base, timeout=10) as client:
                made: list[tuple[dict[str, str], str]] = []
                books, replays = [], []
                for i in range(options.bookings):
                    _, found = signed(
                        client, "find_slots", {"limit": 1, "service": "checkup"}, f"b{i}"
                    )
                    args = {
                        "slot_id": found["slots"][0]["slot_id"],
                        "name": f"Bench {i}",
                        "phone": f"+1415555{i:04d}",
                    }
                    elapsed, booked = signed(client, "book_appointment", args, f"b{i}")
                    assert booked["ok"], booked
                    books.append(elapsed)
                    made.append((args, f"b{i}"))
                for args, call_id in made:
                    elapsed, again = signed(client, "book_appointment", args, call_id)
                    assert again["ok"], again
                    replays.append(elapsed)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"machine: {machine()}; Postgres 15 (local), Redis 7 (local), signed requests")
    print(f"{'book_appointment (new)':28s} {summary(books)}")
    print(f"{'book_appointment (replay)':28s} {summary(replays)}")


if __name__ == "__main__":
    main()
