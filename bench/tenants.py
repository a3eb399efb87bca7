"""Many businesses in one process: 200 businesses (BUSINESS_CONFIG a directory), each with
3 staff (``[[staff]]``, each with their own busy calendar), next to the same server with 1
business, both running in this run: start-up time, resident memory, ``find_slots`` latency for
a random business, and Postgres transactions per call.

    python -m bench.tenants [--businesses 200] [--calls 400] [--busy 150]

Needs Postgres on 127.0.0.1:5432 (or BENCH_ADMIN_DATABASE_URL); each server gets a fresh
database of its own, so the transaction counts are its alone. Calls alternate between the two
servers, so both see the same machine. The local calendar stands in for Google (one JSON file
per business, ``--busy`` events in each staff calendar); Google's own costs are in
bench/google.py and the quota math in docs/tenants.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
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
from retell.lib.webhook_auth import symmetric

from app.tenants.spread import START_SPREAD_SECONDS, START_STEP_SECONDS
from bench.booking import fresh_database
from bench.stats import machine
from bench.webhook import free_port, wait_ready

KEY = "key_bench"
# A clinic with 3 staff, each with their own calendar (and a shared room).
FIXTURE = Path(__file__).parent.parent / "tests" / "fixtures" / "clinic.toml"
STAFF = ("maya", "sam", "lena")
STATS_FLUSH_SECONDS = 11.0


def write_businesses(directory: Path, data_dir: Path, count: int, busy: int) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    rng = random.Random(7)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for index in range(count):
        business_id = f"bench-{index:03d}"
        body = text.replace('id = "test-clinic"', f'id = "{business_id}"')
        body = body.replace("@clinic.test", f"@{business_id}.test")
        body += f'\n[retell]\nagent_ids = ["agent_{business_id}"]\n'
        (directory / f"{business_id}.toml").write_text(body, encoding="utf-8")
        events = {}
        for staff in STAFF:  # each person's own calendar, as busy as a working diary
            calendar_id = f"{staff}@{business_id}.test"
            for n in range(busy):
                start = now + timedelta(minutes=5 * rng.randrange(0, 60 * 24 * 12))
                end = start + timedelta(minutes=rng.choice([15, 30, 45]))
                events[f"{calendar_id}/e{n}"] = {
                    "calendar_id": calendar_id,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "summary": "Busy",
                    "description": "",
                    "appointment_id": "",
                }
        calendar = data_dir / f"local-calendar-{business_id}.json"
        calendar.write_text(json.dumps({"events": events}), encoding="utf-8")


@dataclass
class Server:
    label: str
    businesses: int
    database_url: str
    process: subprocess.Popen[bytes]
    base: str
    started_seconds: float
    client: httpx.Client = field(init=False)
    ready_at: float = field(default_factory=time.perf_counter)
    samples: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=10)

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    def find_slots(self, rng: random.Random, call_id: str, only: int | None = None) -> float:
        """One call for a random business (or business number ``only``)."""
        business = f"bench-{rng.randrange(self.businesses) if only is None else only:03d}"
        call = {
            "call_id": call_id,
            "agent_id": f"agent_{business}",
            "from_number": "+14155550123",
            "direction": "inbound",
        }
        body = json.dumps({"name": "find_slots", "call": call, "args": {"service": "Cleaning"}})
        headers = {
            "x-retell-signature": symmetric["sign"](body, KEY),
            "content-type": "application/json",
        }
        began = time.perf_counter()
        response = self.client.post("/retell/functions", content=body, headers=headers)
        elapsed = (time.perf_counter() - began) * 1000
        reply: Any = response.json()
        if not reply.get("ok"):
            raise SystemExit(f"{self.label}: {reply}")
        return elapsed


def start(label: str, count: int, busy: int, root: Path, database_url: str) -> Server:
    directory, data_dir = root / label / "businesses", root / label / "data"
    directory.mkdir(parents=True)
    data_dir.mkdir(parents=True)
    write_businesses(directory, data_dir, count, busy)
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "BUSINESS_CONFIG": str(directory),
        "DATABASE_URL": database_url,
        "RETELL_API_KEY": KEY,
        "LOG_LEVEL": "warning",
        "RATE_LIMIT_PER_MINUTE": "1000000",
    }
    env.pop("REDIS_URL", None)
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "app"], env=env)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process)
    return Server(label, count, database_url, process, base, time.perf_counter() - began)


async def transactions(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("select pg_stat_clear_snapshot()")
        found: int = await connection.fetchval(
            "select xact_commit + xact_rollback from pg_stat_database"
            " where datname = current_database()"
        )
        return found
    finally:
        await connection.close()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=200)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--busy", type=int, default=150, help="events per staff calendar")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-tenants-") as tmp:
        root = Path(tmp)
        one_db = asyncio.run(fresh_database("frontdesk_bench_one"))
        many_db = asyncio.run(fresh_database("frontdesk_bench_many"))
        one = start("one", 1, options.busy, root, one_db)
        many = start("many", options.businesses, options.busy, root, many_db)
        servers = (one, many)
        try:
            rng = random.Random(11)
            for server in servers:
                for i in range(30):
                    server.find_slots(rng, f"warm{i}")
            for i in range(options.calls):
                for server in servers if i % 2 else reversed(servers):
                    server.samples.append(server.find_slots(rng, f"c{i}"))
            # Round trips: after every business's staggered start (its first reconcile pass).
            settle = min(options.businesses * START_STEP_SECONDS, START_SPREAD_SECONDS) + 3
            time.sleep(max(0.0, many.ready_at + settle - time.perf_counter()))
            # An idle backend reports its counts within 10 s (PostgreSQL 15+). The background
            # work (each business's reconciler) is measured over an idle window of the same
            # length and taken off. Calls for one business share its cached busy time
            # (app/db/span_cache.py); calls spread over 200 businesses mostly miss it.
            per_call: dict[str, dict[str, float]] = {}
            for server in servers:
                per_call[server.label] = {}
                for pattern, only in (("one business", 0), ("random", None)):
                    if server.businesses == 1 and only is None:
                        continue
                    time.sleep(STATS_FLUSH_SECONDS)
                    idle = asyncio.run(transactions(server.database_url))
                    time.sleep(STATS_FLUSH_SECONDS)
                    before = asyncio.run(transactions(server.database_url))
                    for i in range(100):
                        server.find_slots(rng, f"t{pattern[0]}{i}", only)
                    time.sleep(STATS_FLUSH_SECONDS)
                    after = asyncio.run(transactions(server.database_url))
                    background = before - idle
                    per_call[server.label][pattern] = (after - before - background) / 100
            report(servers, per_call, options)
        finally:
            for server in servers:
                server.client.close()
                server.process.terminate()
                server.process.wait(timeout=20)


def report(
    servers: tuple[Server, Server], per_call: dict[str, dict[str, float]], options: Any
) -> None:
    one, many = servers
    print(f"machine: {machine()}")
    print(
        f"{options.businesses} businesses x {len(STAFF)} staff calendars "
        f"({options.busy} busy events each) vs 1 business; {options.calls} find_slots each"
    )
    print(f"{'':14s}{'start-up s':>12s}{'RSS MB':>10s}{'median ms':>11s}{'p99 ms':>9s}")
    for server in servers:
        print(
            f"{server.label + f' ({server.businesses})':14s}{server.started_seconds:12.2f}"
            f"{server.rss_mb():10.1f}{statistics.median(server.samples):11.3f}"
            f"{percentile(server.samples, 0.99):9.3f}"
        )
    for label, patterns in per_call.items():
        said = ", ".join(f"{pattern} {count:.2f}" for pattern, count in patterns.items())
        print(f"Postgres transactions per find_slots, {label}: {said}")
    median = statistics.median(many.samples) / statistics.median(one.samples)
    p99 = percentile(many.samples, 0.99) / percentile(one.samples, 0.99)
    print(f"ratio many/one: median {median:.2f}x, p99 {p99:.2f}x (target within 1.2x)")
    each_kb = (many.rss_mb() - one.rss_mb()) / max(1, many.businesses - 1) * 1024
    print(
        f"start-up {many.started_seconds / one.started_seconds:.2f}x, "
        f"RSS {many.rss_mb() / one.rss_mb():.2f}x (+{each_kb:.0f} KB a business)"
    )


if __name__ == "__main__":
    main()
