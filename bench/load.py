"""Load on loopback with wrk: sustained find_slots, and mixed find/book traffic, on Postgres +
Redis with the local Google stand-in (every calendar's mirror synced first, and a booking
history written and analyzed: bench/load_history.py), next to a ladder
of bare Litestar endpoints measured in the same run (bench/bare.py); each world's ratios are to
the bare endpoint measured again once that world is ready. Three worlds: one calendar,
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
from collections.abc import Callable
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
]


def bare_ladder(
    seconds: int, connections: int, database_url: str, google_url: str, rungs: int = len(LADDER)
) -> list[Run]:
    """The first ``rungs`` of the ladder, each measured for ``seconds``."""
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
        return [
            wrk(
                name,
                f"http://127.0.0.1:{port}",
                "bare.lua",
                seconds=seconds,
                connections=connections,
                env={"BENCH_PATH": path},
                server_pid=bare.pid,
            )
            for name, path in LADDER[:rungs]
        ]
    finally:
        bare.terminate()
        bare.wait(timeout=20)


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


def bare_floor(options: argparse.Namespace, database_url: str, google_url: str, name: str) -> Run:
    """The bare endpoint alone, measured now."""
    (floor,) = bare_ladder(options.seconds, options.connections, database_url, google_url, 1)
    floor.name = name
    return floor


def load_world(
    world: World,
    fake: FakeGoogle,
    google_url: str,
    options: argparse.Namespace,
    floor: Callable[[], Run],
) -> list[Run]:
    """``floor`` (the bare endpoint, measured once the world is ready), then the world's runs."""
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
            asyncio.run(seed_history(database_url, world.lanes))
            url = f"http://127.0.0.1:{port}"
            runs = [floor()]
            runs += [
                wrk(
                    f"{world.name}: {label}",
                    url,
                    script,
                    seconds=options.seconds,
                    connections=options.connections,
                    env={**world.wrk_env, "BENCH_BOOK_EVERY": every},
                    server_pid=app.pid,
                )
                for label, script, every in (
                    ("find_slots", "find.lua", "10"),
                    ("mixed 9:1", "mixed.lua", "10"),
                    ("book_appointment only", "mixed.lua", "1"),
                )
            ]
            time.sleep(1)  # the last bookings' calendar writes
            runs[-1].checked = (
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
    with serving(fake.app()) as google_url:
        runs = bare_ladder(options.seconds, options.connections, ladder_db, google_url)
    # The machine's speed drifts within a run (seen: the bare endpoint at 63 us of CPU a request
    # at the start and a world's searches at the pace of 110 us a few minutes later), so each
    # world is measured against the bare endpoint measured again just before it.
    printed = [figures(run, runs[0]) for run in runs]
    for name in options.worlds.split(","):
        fake = FakeGoogle()
        with serving(fake.app()) as google_url, tempfile.TemporaryDirectory() as root:
            world = WORLDS[name](fake, Path(root))
            floor, *world_runs = load_world(
                world,
                fake,
                google_url,
                options,
                partial(bare_floor, options, ladder_db, google_url, f"{world.name}: bare"),
            )
            printed += [figures(run, floor) for run in [floor, *world_runs]]
    print(
        f"machine: {machine()}; wrk -t2 -c{options.connections} -d{options.seconds}s on "
        "loopback; server, load generator and databases share the machine's 2 cores"
    )
    print("\n".join(printed))


if __name__ == "__main__":
    main()
