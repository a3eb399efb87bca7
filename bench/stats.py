"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import logging
import platform
import statistics
import time
from collections.abc import Callable

logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request drowns the figures


def summary(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"n={len(ordered)} median={statistics.median(ordered):.3f} ms "
        f"p90={ordered[int(len(ordered) * 0.9)]:.3f} ms p99={p99:.3f} ms"
    )


def time_ms(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
