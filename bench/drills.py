"""Fault drills against the running app on Postgres + Redis + a Google stand-in: Redis killed and
restarted, Postgres restarted, Google answering 429/500 or slowly. Each drill books through the
signed tool webhook (every booking sent twice, as a retry would), then checks that every answer
came within the deadline and spoke, and that calendar and database agree with no duplicate.

    python -m bench.drills        (needs redis-server; restarts the local PostgreSQL cluster)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.booking import fresh_database
from bench.google import CAL
from bench.stats import machine
from bench.webhook import KEY, free_port, signed, wait_ready
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving

# The single-calendar test business (the demo has staff: see bench.staff for those).
ONE_CALENDAR = str(Path(__file__).parent.parent / "tests" / "fixtures" / "business.toml")


@dataclass
class Tally:
    answers: dict[str, int] = field(default_factory=dict)
    slowest_ms: float = 0.0

    def add(self, status: int, body: Any, elapsed_ms: float) -> None:
        code = body.get("error", "ok") if isinstance(body, dict) else f"http_{status}"
        key = code if status == 200 else f"http_{status}:{code}"
        self.answers[key] = self.answers.get(key, 0) + 1
        self.slowest_ms = max(self.slowest_ms, elapsed_ms)


def book(client: httpx.Client, i: int, tally: Tally) -> None:
    day = datetime.now(UTC).date() + timedelta(days=2)
    for _ in range(
        i // 6
    ):  # six bookings a day, weekdays only (the business is closed at weekends)
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    start = day
    args = {"start": f"{start}T{9 + i % 6:02d}:00", "service": "checkup", "name": f"Drill {i}"}
    for _ in range(2):  # the original, and Retell's retry
        began = time.perf_counter()
        try:
            elapsed, body = signed(client, "book_appointment", args, f"drill_{i}")
            tally.add(200, body, elapsed)
        except httpx.HTTPStatusError as error:
            tally.add(error.response.status_code, None, (time.perf_counter() - began) * 1000)


async def agreement(database_url: str, fake: FakeGoogle) -> str:
    connection = await asyncpg.connect(database_url)
    rows = await connection.fetch(
        "select id, status, calendar_event_id, intent_key from appointments"
    )
    await connection.close()
    booked = [r for r in rows if r["status"] == "booked"]
    events = {k for k, e in fake.events[CAL].items() if e["status"] != "cancelled"}
    duplicates = len(booked) - len({r["intent_key"] for r in booked})
    phantom = events - {r["calendar_event_id"] for r in booked}
    missing = {r["calendar_event_id"] for r in booked} - events
    pending = sum(r["status"] == "pending" for r in rows)
    return (
        f"booked {len(booked)}, duplicates {duplicates}, events without appointment "
        f"{len(phantom)}, appointments without event {len(missing)}, pending {pending}"
    )


def main() -> None:
    redis_binary = shutil.which("redis-server")
    if redis_binary is None:
        raise SystemExit("needs redis-server")
    fake = FakeGoogle()
    fake.events[CAL] = {}
    redis_port, port = free_port(), free_port()
    rows: list[tuple[str, str, str, str]] = []
    with serving(fake.app()) as google_url, tempfile.TemporaryDirectory() as data_dir:
        database_url = asyncio.run(fresh_database("frontdesk_drills"))
        redis = subprocess.Popen(
            [redis_binary, "--port", str(redis_port), "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        env = {
            **os.environ,
            "BUSINESS_CONFIG": ONE_CALENDAR,
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "RETELL_API_KEY": KEY,
            "LOG_LEVEL": "error",
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "GOOGLE_CALENDAR_ID": CAL,
            "GOOGLE_CREDENTIALS": make_service_account(google_url),
            "GOOGLE_API_BASE_URL": google_url,
            "RECONCILE_EVERY_SECONDS": "2",
            "RECONCILE_GRACE_SECONDS": "3",
        }
        app = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        try:
            wait_ready(f"http://127.0.0.1:{port}", app)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=15) as client:
                n = 0

                def drill(name: str, fault: Any, heal: Any, count: int = 12) -> None:
                    nonlocal n
                    tally = Tally()
                    fault()
                    for _ in range(count):
                        book(client, n, tally)
                        n += 1
                    heal()
                    for _ in range(count // 2):  # recovery, without manual steps
                        book(client, n, tally)
                        n += 1
                    time.sleep(7)  # the reconciler's grace and a pass
                    answers = ", ".join(f"{k} {v}" for k, v in sorted(tally.answers.items()))
                    rows.append(
                        (
                            name,
                            answers,
                            f"{tally.slowest_ms:.0f} ms",
                            asyncio.run(agreement(database_url, fake)),
                        )
                    )

                def kill_redis() -> None:
                    redis.kill()
                    redis.wait()

                def start_redis() -> None:
                    nonlocal redis
                    redis = subprocess.Popen(
                        [redis_binary, "--port", str(redis_port), "--save", ""],
                        stdout=subprocess.DEVNULL,
                    )
                    time.sleep(0.5)

                cluster = (
                    os.listdir("/etc/postgresql")[0] if os.path.isdir("/etc/postgresql") else None
                )

                def restart_postgres() -> None:
                    if cluster:
                        subprocess.run(
                            [
                                "pg_ctlcluster",
                                "--skip-systemctl-redirect",
                                cluster,
                                "main",
                                "restart",
                            ],
                            check=True,
                        )

                drill("Redis killed, then restarted", kill_redis, start_redis)
                drill("Postgres restarted", restart_postgres, lambda: None)
                drill(
                    "Google 429 then 500 (x3)",
                    lambda: fake.fail("insert", 429, 500, 500, 429, 500, 500),
                    lambda: None,
                )
                drill(
                    "Google slow (5 s per request)",
                    lambda: fake.latency.__setitem__("freeBusy", 5.0),
                    lambda: fake.latency.pop("freeBusy"),
                    count=4,
                )
        finally:
            app.terminate()
            app.wait(timeout=20)
            redis.kill()
    print(f"machine: {machine()}")
    print("| drill | answers (code count) | slowest answer | afterwards |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
