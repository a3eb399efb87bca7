"""Load on loopback with wrk: sustained find_slots, and mixed find/book traffic, on Postgres +
Redis with a local Google stand-in (mirror on), next to a bare Litestar endpoint measured in the
same run. Bounded: each run lasts --seconds and stops by itself.

    python -m bench.load [--seconds 15] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.booking import REDIS_URL, fresh_database
from bench.google import CAL
from bench.stats import machine
from bench.webhook import free_port, wait_ready
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import serving

# The single-calendar test business (the demo has staff: see bench.staff for those).
ONE_CALENDAR = str(Path(__file__).parent.parent / "tests" / "fixtures" / "business.toml")

HERE = Path(__file__).parent


def wrk(url: str, script: str, seconds: int, connections: int) -> str:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "wrk" / script),
    ]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    )
    return result.stdout


def figures(output: str) -> str:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50%\s+([\d.]+\w+)", output)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return (
        f"{float(rate[1]) if rate else 0:8.0f} req/s  p50 {p50[1] if p50 else '?':>8}  "
        f"p99 {p99[1] if p99 else '?':>8}  non-2xx {errors[1] if errors else 0}"
    )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    fake = FakeGoogle()
    fake.events[CAL] = {}
    database_url = asyncio.run(fresh_database("frontdesk_bench_load"))
    with serving(fake.app()) as google_url, tempfile.TemporaryDirectory() as data_dir:
        port, bare_port = free_port(), free_port()
        env = {
            **os.environ,
            "BUSINESS_CONFIG": ONE_CALENDAR,
            "PORT": str(port),
            "DATA_DIR": data_dir,
            "LOG_LEVEL": "warning",
            "ALLOW_UNSIGNED_WEBHOOKS": "true",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "RATE_LIMIT_PER_MINUTE": "10000000",
            "GOOGLE_CALENDAR_ID": CAL,
            "GOOGLE_CREDENTIALS": make_service_account(google_url),
            "GOOGLE_API_BASE_URL": google_url,
        }
        app = subprocess.Popen([sys.executable, "-m", "app"], env=env)
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.bare:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
        )
        try:
            wait_ready(f"http://127.0.0.1:{port}", app)
            for _ in range(100):
                try:
                    httpx.post(f"http://127.0.0.1:{bare_port}/retell/functions")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            time.sleep(2)  # the first sync fills the mirror
            runs = [
                ("bare Litestar JSON", f"http://127.0.0.1:{bare_port}", "bare.lua"),
                ("find_slots", f"http://127.0.0.1:{port}", "find.lua"),
                ("mixed 9 find : 1 book", f"http://127.0.0.1:{port}", "mixed.lua"),
            ]
            results = [
                (name, wrk(url, script, options.seconds, options.connections))
                for name, url, script in runs
            ]
        finally:
            app.terminate()
            bare.terminate()
            app.wait(timeout=20)
            bare.wait(timeout=20)
    print(
        f"machine: {machine()}; wrk -t2 -c{options.connections} -d{options.seconds}s on "
        "loopback; server, load generator and databases share the machine's 2 cores"
    )
    for name, output in results:
        print(f"{name:24s} {figures(output)}")


if __name__ == "__main__":
    main()
