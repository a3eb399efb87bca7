"""Prometheus metrics (``GET /metrics``). Counters the edge updates directly; figures that live
in other components (the Google adapter, sync) are read at scrape time by a collector."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

TOOL_CALLS = Counter(
    "frontdesk_tool_calls_total",
    "Tool calls answered, by business, tool and outcome",
    ["business", "tool", "outcome"],
    registry=REGISTRY,
)
TOOL_SECONDS = Histogram(
    "frontdesk_tool_call_seconds",
    "Time to answer a tool call",
    ["tool"],
    registry=REGISTRY,
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
REPLAYS = Counter(
    "frontdesk_idempotent_replays_total",
    "Retried tool calls answered from the first reply, by business and tool",
    ["business", "tool"],
    registry=REGISTRY,
)
KEPT_ANSWERS = Counter(
    "frontdesk_kept_answers_total",
    "Searches answered from memory while the data was unchanged (hit) or computed (miss)",
    ["outcome"],
    registry=REGISTRY,
)
SLOT_CONFLICTS = Counter(
    "frontdesk_double_bookings_refused_total",
    "Reservations or moves Postgres refused because the time was taken",
    registry=REGISTRY,
)
SIGNATURES_REFUSED = Counter(
    "frontdesk_signatures_refused_total",
    "Webhooks refused at the signature check, by reason (missing, malformed, stale, wrong_key,"
    " replay)",
    ["reason"],
    registry=REGISTRY,
)


OUTBOX_SENDS = Counter(
    "frontdesk_outbox_sends_total",
    "Sends tried from the outbox, by channel and outcome (sent, retry, failed)",
    ["channel", "outcome"],
    registry=REGISTRY,
)
OUTBOX_DEPTH = Gauge(
    "frontdesk_outbox_due", "Sends due now and not yet delivered", registry=REGISTRY
)
OUTBOX_OLDEST = Gauge(
    "frontdesk_outbox_oldest_due_seconds",
    "How long the oldest due send has waited",
    registry=REGISTRY,
)


class ComponentCollector(Collector):
    """Reads each business's Google adapter request counts and its sync's freshness when
    scraped. ``sources`` lists, at scrape time (so a reload shows at once), each business's id
    with its Google adapter and sync (None when it has none)."""

    def __init__(self) -> None:
        self.sources: Callable[[], Iterable[tuple[str, Any, Any]]] = tuple

    def collect(self) -> Iterator[Any]:
        requests = CounterMetricFamily(
            "frontdesk_calendar_requests",
            "Google Calendar requests (retries included), by business",
            labels=["business", "outcome"],
        )
        lag = GaugeMetricFamily(
            "frontdesk_calendar_sync_age_seconds",
            "Seconds since each calendar's mirror was last synced",
            labels=["business", "calendar"],
        )
        now = time.time()
        for business, google, sync in self.sources():
            if google is not None:
                requests.add_metric([business, "sent"], google.requests)
                requests.add_metric([business, "retried"], google.retries)
                requests.add_metric([business, "failed"], google.failures)
            if sync is not None:
                for calendar_id, synced in sync.last_synced.items():
                    lag.add_metric([business, opaque_label(calendar_id)], now - synced)
        if requests.samples:
            yield requests
        if lag.samples:
            yield lag


def opaque_label(calendar_id: str) -> str:
    """A stable, short key for a calendar: its id is often the owner's email address, which
    does not belong in metrics. ``cal-`` + 10 hex of its SHA-256 (the operator endpoints and
    logs can map it back)."""
    return "cal-" + hashlib.sha256(calendar_id.encode()).hexdigest()[:10]


COMPONENTS = ComponentCollector()
REGISTRY.register(COMPONENTS)


def exposition() -> bytes:
    return generate_latest(REGISTRY)
