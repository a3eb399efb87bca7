"""Load on loopback with wrk: sustained find_slots, and mixed find/book traffic, on Postgres +
Redis with the local Google stand-in (every calendar's mirror synced first, and a booking
history written and analyzed: bench/load_history.py), next to a ladder
of bare Litestar endpoints measured in the same run (bench/bare.py); each world's run is a ratio
to the bare endpoint measured for half as long either side of it. Three worlds: one calendar,
one business of 8 staff searched for "anyone", 200 businesses with a random one per request.
A run of bookings alone says what one costs. After each world's runs the database and the
calendars are checked for double bookings. Bounded:
each run lasts --seconds and stops by itself.

    python -m bench.load [--seconds 10] [--connections 32] [--worlds one,staff,tenants]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import asyncpg
import httpx

from bench.booking import REDIS_URL, fresh_database
from bench.load_checks import double_bookings, google_overlaps
from bench.load_history import seed_history
from bench.load_worlds import CREDENTIALS_ENV, WORLDS, World, busy_diary
from bench.stats import machine
from bench.webhook import free_port, wait_ready
from bench.wrk_runs import Run, figures, wrk
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving

LADDER = [
    ("bare Litestar JSON", "/retell/functions"),
    ("  + read the JSON body", "/parsed"),
    ("  + one Postgres query", "/queried"),
    ("  + a booking's round trips", "/booked"),
    ("    but Google's two", "/booked-without-google"),
]


@contextmanager
def bare_server(database_url: str, google_url: str) -> Iterator[tuple[str, int]]:
    """bench/bare.py served for the whole run: its URL and process id."""
    port = free_port()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "BENCH_REDIS_URL": REDIS_URL,
        "BENCH_GOOGLE_URL": google_url,
    }
    command = [sys.executable, "-m", "uvicorn", "bench.bare:app", "--port", str(port)]
    bare = subprocess.Popen([*command, "--log-level", "warning", "--no-access-log"], env=env)
    try:
        for _ in range(100):
            try:
                httpx.post(f"http://127.0.0.1:{port}/retell/functions")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", bare.pid
    finally:
        bare.terminate()
        bare.wait(timeout=20)


def bare_run(server: tuple[str, int], name: str, path: str, seconds: int, connections: int) -> Run:
    url, pid = server
    env = {"BENCH_PATH": path}
    return wrk(
        name, url, "bare.lua", seconds=seconds, connections=connections, env=env, server_pid=pid
    )


def around(before: Run, after: Run) -> Run:
    """The bare endpoint measured either side of a run, as one figure."""
    return Run(
        "bare, either side",
        (before.rate + after.rate) / 2,
        (before.p50_ms + after.p50_ms) / 2,
        (before.p99_ms + after.p99_ms) / 2,
        before.non_2xx + after.non_2xx,
        (before.cpu_us + after.cpu_us) / 2,
        (before.db_us + after.db_us) / 2,
    )


async def synced(database_url: str, calendars: int, within_seconds: float) -> bool:
    connection = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + within_seconds
        while time.monotonic() < deadline:
            count = await connection.fetchval(
                "select count(*) from calendar_sync where synced_at > now() - interval '2 minutes'"
            )
            if count >= calendars:
                return True
            await asyncio.sleep(0.5)
        return False
    finally:
        await connection.close()


def load_world(
    world: World,
    fake: FakeGoogle,
    google_url: str,
    options: argparse.Namespace,
    floor: Callable[[int], Run],
) -> list[tuple[Run, Run]]:
    """The world's runs, each beside the bare endpoint measured for half as long either side
    of it (``floor``): the machine's speed drifts within minutes, so a ratio is taken from
    what was measured around the same seconds."""
    database_url = asyncio.run(fresh_database("frontdesk_bench_load"))
    account = make_service_account(google_url)
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = {
            **os.environ,
            **world.env,
            "BUSINESS_CONFIG": str(world.config),
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "LOG_LEVEL": "warning",
            "ALLOW_UNSIGNED_WEBHOOKS": "true",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "RATE_LIMIT_PER_MINUTE": "10000000",
            "GOOGLE_API_BASE_URL": google_url,
            "GOOGLE_CREDENTIALS": account,
            CREDENTIALS_ENV: account,
        }
        app = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        try:
            wait_ready(f"http://127.0.0.1:{port}", app)
            if not asyncio.run(synced(database_url, len(world.calendars), 120)):
                raise SystemExit(f"{world.name}: the mirrors were not synced within 120 s")
            asyncio.run(seed_history(database_url, world.lanes, world.zone))
            url = f"http://127.0.0.1:{port}"
            half = max(1, options.seconds // 2)
            runs = []
            for label, script, every in (
                ("find_slots", "find.lua", "10"),
                ("mixed 9:1", "mixed.lua", "10"),
                ("book_appointment only", "mixed.lua", "1"),
            ):
                before = floor(half)
                run = wrk(
                    f"{world.name}: {label}",
                    url,
                    script,
                    seconds=options.seconds,
                    connections=options.connections,
                    env={**world.wrk_env, "BENCH_BOOK_EVERY": every},
                    server_pid=app.pid,
                )
                runs.append((run, around(before, floor(half))))
            time.sleep(1)  # the last bookings' calendar writes
            runs[-1][0].checked = (
                f"double bookings: {asyncio.run(double_bookings(database_url))} in Postgres, "
                f"{google_overlaps(fake)} in Google"
            )
            return runs
        finally:
            app.terminate()
            app.wait(timeout=30)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--worlds", default="one,staff,tenants")
    options = parser.parse_args()
    ladder_db = asyncio.run(fresh_database("frontdesk_bench_bare"))
    fake = FakeGoogle()
    fake.events = {"floor@bench.test": {}, "floor-diary@bench.test": {}}
    busy_diary(fake, "floor-diary@bench.test", random.Random(1))
    printed = []
    with serving(fake.app()) as ladder_google, bare_server(ladder_db, ladder_google) as bare:
        seconds, connections = options.seconds, options.connections
        ladder = [bare_run(bare, name, path, seconds, connections) for name, path in LADDER]
        printed += [figures(run, ladder[0]) for run in ladder]
        for name in options.worlds.split(","):
            world_fake = FakeGoogle()
            with serving(world_fake.app()) as google_url, tempfile.TemporaryDirectory() as root:
                world = WORLDS[name](world_fake, Path(root))
                floor = partial(bare_run, bare, LADDER[0][0], LADDER[0][1], connections=connections)
                for run, bare_around in load_world(world, world_fake, google_url, options, floor):
                    printed.append(figures(run, bare_around, beside=True))
    print(
        f"machine: {machine()}; wrk -t2 -c{options.connections} -d{options.seconds}s on "
        "loopback; server, load generator and databases share the machine's 2 cores"
    )
    print("\n".join(printed))


if __name__ == "__main__":
    main()
