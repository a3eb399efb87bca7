"""The operator console's pages with a busy history: 2,000 appointments (three staff) and 5,000
calls with their tool calls, each page timed over a kept-alive, signed-in connection, next to
the same server's /health/live measured in the same run (the framework's floor).

    python -m bench.console [--samples 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from bench.booking import fresh_database
from bench.stats import machine, summary
from bench.webhook import free_port, wait_ready

CLINIC = str(Path(__file__).parent.parent / "tests" / "fixtures" / "clinic.toml")
KEY = "bench-operator-key"
CALENDARS = [
    ("maya", "maya@clinic.test"),
    ("sam-okafor", "sam@clinic.test"),
    ("lena-ruiz", "lena@clinic.test"),
]

CALENDARS_SQL = """
insert into calendars (business_id, external_id)
select 'test-clinic', c from unnest($1::text[]) c on conflict do nothing
"""

# 2,000 appointments, 30 a day over the coming 67 days, ten per person a day, every tenth
# cancelled; each made by a call.
APPOINTMENTS_SQL = """
insert into appointments (id, business_id, calendar_id, staff_id, service, starts_at, ends_at,
                          blocked, status, customer_name, customer_phone, call_id,
                          calendar_event_id, calendar_synced)
select 'apt_bench' || i, 'test-clinic',
       (select id from calendars where business_id = 'test-clinic'
                                   and external_id = ($1::text[])[1 + i % 3]),
       ($2::text[])[1 + i % 3], 'Checkup', s, s + interval '30 minutes',
       tstzrange(s, s + interval '30 minutes'),
       case when i % 10 = 0 then 'cancelled' else 'booked' end,
       'Caller ' || i, '+1415555' || lpad((i % 10000)::text, 4, '0'), 'call_bench' || i,
       'fdbench' || i, true
from generate_series(0, 1999) i,
     lateral (select ((date_trunc('day', now() at time zone 'America/New_York')
                       + make_interval(days => i / 30, hours => 9, mins => 30 * ((i / 3) % 10)))
                      at time zone 'America/New_York') as s) slot
"""

# 5,000 calls over the last 24 days, each with a search and a booking attempt.
CALLS_SQL = """
insert into calls (call_id, business_id, from_number, started_at, duration_ms,
                   disconnection_reason)
select 'call_bench' || i, 'test-clinic', '+1415555' || lpad((i % 10000)::text, 4, '0'),
       now() - make_interval(mins => 7 * i), 60000 + i, 'user_hangup'
from generate_series(0, 4999) i
"""

TOOL_CALLS_SQL = """
insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id,
                        created_at)
select 'call_bench' || i, 'test-clinic', t.tool, t.outcome, 3 + (i % 17), t.apt,
       now() - make_interval(mins => 7 * i)
from generate_series(0, 4999) i,
     lateral (values ('find_slots', 'ok', null),
                     ('book_appointment', case when i % 3 = 0 then 'ok' else 'slot_taken' end,
                      case when i < 2000 then 'apt_bench' || i end)) t(tool, outcome, apt)
"""


async def seed(database_url: str) -> None:
    calendars = [c for _, c in CALENDARS]
    staff = [s for s, _ in CALENDARS]
    connection = await asyncpg.connect(database_url)
    try:
        async with connection.transaction():
            await connection.execute(CALENDARS_SQL, calendars)
            await connection.execute(APPOINTMENTS_SQL, calendars, staff)
            await connection.execute(CALLS_SQL)
            await connection.execute(TOOL_CALLS_SQL)
    finally:
        await connection.close()


def sign_in(client: httpx.Client) -> None:
    page = client.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post("/console/login", data={"key": KEY, "csrf": token[1]})
    assert answer.status_code == 303, answer.text


def timed(client: httpx.Client, path: str, samples: int) -> list[float]:
    for _ in range(3):
        client.get(path).raise_for_status()
    found = []
    for _ in range(samples):
        began = time.perf_counter()
        client.get(path).raise_for_status()
        found.append((time.perf_counter() - began) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=50)
    options = parser.parse_args()
    database_url = asyncio.run(fresh_database("frontdesk_bench_console"))
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as data_dir:
        env = {
            **os.environ,
            "BUSINESS_CONFIG": CLINIC,
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "LOG_LEVEL": "warning",
            "ALLOW_UNSIGNED_WEBHOOKS": "true",
            "DATABASE_URL": database_url,
            "OPERATOR_API_KEY": KEY,
        }
        env.pop("REDIS_URL", None)
        server = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            asyncio.run(seed(database_url))
            with httpx.Client(base_url=base, timeout=20) as client:
                sign_in(client)
                pages = {
                    "/health/live (floor)": "/health/live",
                    "day (30 appointments)": "/console",
                    "week (210)": "/console/week",
                    "appointment": "/console/appointments/apt_bench1",
                    "calls (200 of 5,000)": "/console/calls",
                    "call": "/console/calls/call_bench1",
                    "health": "/console/health",
                    "insights (30 days)": "/console/insights",
                }
                results = {
                    name: timed(client, path, options.samples) for name, path in pages.items()
                }
        finally:
            server.terminate()
            server.wait(timeout=20)
    floor = statistics.median(results["/health/live (floor)"])
    print(f"machine: {machine()}; 2,000 appointments and 5,000 calls in Postgres")
    for name, samples in results.items():
        ratio = statistics.median(samples) / floor
        print(f"{name:24s} {summary(samples)}  ({ratio:.1f}x the floor)")


if __name__ == "__main__":
    main()
