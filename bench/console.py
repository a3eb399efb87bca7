"""The console's pages with 2,000 appointments and 5,000 calls in the database: the median
time per page (signed in, over a kept-alive connection), next to a bare Litestar template page
(bench/console_bare.py) served the same way in the same run.

    python -m bench.console [--repeat 30]
    Needs Postgres on 127.0.0.1:5432 (or BENCH_ADMIN_DATABASE_URL); makes `frontdesk_bench_console`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path
from time import sleep

import asyncpg
import httpx

from app.business_config import load_business
from bench.booking import fresh_database
from bench.stats import machine, summary, time_ms
from bench.webhook import free_port, wait_ready

DEMO = Path(__file__).parent.parent / "config" / "demo-business.toml"
KEY = "bench-operator-key"
APPOINTMENTS = 2000
CALLS = 5000


async def seed(database_url: str) -> tuple[str, str, str]:
    """2,000 booked appointments over 60 days around today (12 a day per person, 30 minutes
    each) and 5,000 calls over the last 30 days with their tool calls. Returns the busiest
    day, an appointment and a call."""
    business = load_business(DEMO)
    zone = business.timezone
    today = datetime.now(UTC).astimezone(zone).date()
    connection = await asyncpg.connect(database_url)
    rng = random.Random(14)
    calendars = {}
    for member in business.team:
        calendars[member.id] = await connection.fetchval(
            "insert into calendars (business_id, external_id) values ($1, $2)"
            " on conflict (business_id, external_id)"
            " do update set external_id = excluded.external_id"
            " returning id",
            business.id,
            member.calendar_id,
        )
    rows: list[tuple[object, ...]] = []
    day = today - timedelta(days=30)
    while len(rows) < APPOINTMENTS:
        for member in business.team:
            for slot in range(12):
                start = datetime.combine(day, time(8), tzinfo=zone) + timedelta(minutes=30 * slot)
                n = len(rows)
                rows.append(
                    (
                        f"apt_bench_{n}",
                        business.id,
                        calendars[member.id],
                        "Checkup",
                        start,
                        start + timedelta(minutes=30),
                        f"Customer {n}",
                        f"+1415555{n % 10000:04d}",
                        f"call_bench_{n}",
                        None if member.implicit else member.id,
                    )
                )
        day += timedelta(days=1)
    await connection.executemany(
        """insert into appointments (id, business_id, calendar_id, service, starts_at, ends_at,
               blocked, status, customer_name, customer_phone, call_id, staff_id, calendar_synced)
           values ($1, $2, $3, $4, $5, $6, tstzrange($5, $6), 'booked', $7, $8, $9, $10, true)""",
        rows[:APPOINTMENTS],
    )
    now = datetime.now(UTC)
    calls: list[tuple[object, ...]] = []
    tools: list[tuple[object, ...]] = []
    for i in range(CALLS):
        at = now - timedelta(minutes=rng.randrange(30 * 24 * 60))
        call_id = f"call_bench_{i}"
        calls.append(
            (call_id, business.id, f"+1415555{i % 10000:04d}", at, rng.randrange(20_000, 300_000))
        )
        tools.append((call_id, business.id, "find_slots", "ok", rng.uniform(5, 80), None, at))
        if i < APPOINTMENTS:
            tools.append(
                (
                    call_id,
                    business.id,
                    "book_appointment",
                    "ok",
                    rng.uniform(20, 200),
                    f"apt_bench_{i}",
                    at,
                )
            )
    await connection.executemany(
        "insert into calls (call_id, business_id, from_number, started_at, created_at, duration_ms)"
        " values ($1, $2, $3, $4, $4, $5)",
        calls,
    )
    await connection.executemany(
        "insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id,"
        " created_at) values ($1, $2, $3, $4, $5, $6, $7)",
        tools,
    )
    await connection.execute("analyze")
    await connection.close()
    return today.isoformat(), "apt_bench_1000", "call_bench_1000"


def read(client: httpx.Client, path: str) -> None:
    client.get(path).raise_for_status()


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    form = client.get("/console/login").text
    token = re.search(r'name="_csrf" value="([^"]+)"', form)
    assert token, form[:300]
    answer = client.post("/console/login", data={"key": KEY, "_csrf": token.group(1)})
    assert answer.status_code == 303, answer.text[:300]
    return client


def screenshot(base: str, path: str, to: Path) -> None:
    """The day view at laptop width in Debian's Chromium (docs/console-day.png)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only with --screenshot)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 800})
        page.goto("/console/login")
        page.get_by_label("Operator key").fill(KEY)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/console")
        page.goto(path)
        page.screenshot(path=to, clip={"x": 0, "y": 0, "width": 1280, "height": 800})
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--screenshot", type=Path, help="also save the day view as a PNG here")
    options = parser.parse_args()
    database_url = asyncio.run(fresh_database("frontdesk_bench_console"))
    port, bare_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as data_dir:
        env = {
            **os.environ,
            "BUSINESS_CONFIG": str(DEMO),
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "OPERATOR_API_KEY": KEY,
            "ALLOW_UNSIGNED_WEBHOOKS": "true",
            "LOG_LEVEL": "warning",
            "DATABASE_URL": database_url,
            "RECONCILE_EVERY_SECONDS": "3600",
        }
        base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        server = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        floor = subprocess.Popen([sys.executable, "-m", "bench.console_bare", str(bare_port)])
        try:
            wait_ready(base, server)
            day, appointment, call = asyncio.run(seed(database_url))
            pages = {
                "day": f"/console?date={day}",
                "week": f"/console/week?date={day}",
                "appointment": f"/console/appointments/{appointment}",
                "calls": "/console/calls",
                "call": f"/console/calls/{call}",
                "health": "/console/health",
                "insights": "/console/insights",
            }
            with httpx.Client(base_url=bare, timeout=30) as plain:
                for _ in range(50):
                    try:
                        plain.get("/page")
                        break
                    except httpx.TransportError:
                        sleep(0.1)
                baseline = time_ms(lambda: plain.get("/page").raise_for_status(), options.repeat)
            floor_ms = statistics.median(baseline)
            print(f"machine: {machine()}")
            print(f"{APPOINTMENTS} appointments, {CALLS} calls; {options.repeat} reads a page")
            print(f"bare template page: {summary(baseline)}")
            with closing(signed_in(base)) as client:
                for name, path in pages.items():
                    client.get(path).raise_for_status()  # warm
                    samples = time_ms(partial(read, client, path), options.repeat)
                    ratio = statistics.median(samples) / floor_ms
                    print(f"{name:12s} {summary(samples)}  ({ratio:.1f}x the bare page)")
            if options.screenshot:
                screenshot(base, pages["day"], options.screenshot)
        finally:
            for process in (server, floor):
                process.terminate()
                process.wait(timeout=20)


if __name__ == "__main__":
    main()
