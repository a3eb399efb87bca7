"""The collector's settings (app/heap.py): the objects of requests in flight die young instead
of piling up in the old generation and starting full collections."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator

import pytest

from app.heap import settle_heap


@pytest.fixture
def thresholds() -> Iterator[None]:
    kept = gc.get_threshold()
    yield
    gc.set_threshold(*kept)


def full_collections_under_load(requests: int = 15_000, in_flight: int = 32) -> int:
    """Full collections while ``requests`` request-shaped object graphs are made, each alive
    while ``in_flight`` others start (as on a server with that many connections)."""
    before = gc.get_stats()[2]["collections"]
    flight: deque[list[dict[str, object]]] = deque(maxlen=in_flight)
    for n in range(requests):
        graph = [{"n": n, "parts": [i, {"i": i}]} for i in range(40)]
        graph[0]["self"] = graph  # a cycle, as frames, tasks and futures make
        flight.append(graph)
    return int(gc.get_stats()[2]["collections"] - before)


def test_requests_in_flight_no_longer_start_full_collections(thresholds: None) -> None:
    gc.set_threshold(700, 10, 10)  # Python's defaults
    gc.collect()
    with_defaults = full_collections_under_load()
    settle_heap()
    settled = full_collections_under_load()
    assert with_defaults >= 5
    assert settled * 5 <= with_defaults
