"""Running wrk and reading its figures, as ratios to the bare endpoint of the same run."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


@dataclass
class Run:
    name: str
    rate: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    cpu_us: float = float("nan")  # the server's CPU (user + system) per request answered
    db_us: float = float("nan")  # every Postgres process's CPU per request answered
    checked: str = ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> dict[int, float]:
    """CPU time used so far by each Postgres process on this machine (its backends do a
    booking's database work, on the same cores as the server)."""
    used = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                used[int(entry.name)] = cpu_seconds(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    return used


def postgres_cpu_since(before: dict[int, float]) -> float:
    """What the Postgres processes used since ``before``: a process that ended meanwhile
    takes its time with it (a backend of the previous server, closing), so it counts for
    nothing rather than against the run."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in postgres_cpu_seconds().items())


def _ms(text: str | None) -> float:
    if text is None:
        return float("nan")
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    name: str,
    url: str,
    script: str,
    *,
    seconds: int,
    connections: int,
    env: dict[str, str],
    server_pid: int,
) -> Run:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "10s", "-s", str(HERE / "wrk" / script), url]
    cpu_before, db_before = cpu_seconds(server_pid), postgres_cpu_seconds()
    output = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
        env={**os.environ, **env},
    ).stdout
    cpu = cpu_seconds(server_pid) - cpu_before
    db = postgres_cpu_since(db_before)
    answered = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50%\s+([\d.]+\w+)", output)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    count = int(answered[1]) if answered else 0
    return Run(
        name,
        float(rate[1]) if rate else 0.0,
        _ms(p50[1] if p50 else None),
        _ms(p99[1] if p99 else None),
        int(errors[1]) if errors else 0,
        cpu / count * 1e6 if count else float("nan"),
        db / count * 1e6 if count else float("nan"),
    )


def figures(run: Run, floor: Run, *, beside: bool = False) -> str:
    """One line: throughput and p99 as ratios to ``floor``, the server's CPU per request (a
    figure that moves less than throughput when other work shares the machine), and
    Postgres's (backends of any database on the machine: nothing else uses it during a run)."""
    ratio = floor.rate / run.rate if run.rate else float("inf")
    line = (
        f"{run.name:36s} {run.rate:7.0f} req/s (1/{ratio:4.1f})  p50 {run.p50_ms:6.2f} ms  "
        f"p99 {run.p99_ms:6.2f} ms ({run.p99_ms / floor.p99_ms:4.1f}x)  "
        f"cpu {run.cpu_us:5.0f} us/req ({run.cpu_us / floor.cpu_us:4.1f}x)  "
        f"db {run.db_us:5.0f} us/req  non-2xx {run.non_2xx}"
    )
    if beside:  # the bare endpoint measured around this run, which the ratios are to
        line += f"  (bare {floor.rate:.0f} req/s, {floor.cpu_us:.0f} us)"
    return line + (f"  {run.checked}" if run.checked else "")
