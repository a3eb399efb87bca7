"""What one answered tool call leaves behind: its metrics, its ``tool.call`` log line and its
row in the journal. The line says enough to trace a complaint (the outcome, ``none_found`` for
an empty search or lookup, the appointment, service and start, what was asked for, the masked
number calling), and never who the caller is by name."""

from __future__ import annotations

import time
from typing import Any

import structlog

from agent_tools.ports import CallContext
from agent_tools.registry import TOOLS
from app import metrics
from app.journal import Journal

log = structlog.get_logger("frontdesk.tools")


def record(
    name: str,
    call: CallContext,
    reply: dict[str, Any],
    began: float,
    *,
    journal: Journal | None,
    raw_args: Any,
) -> None:
    """The metrics, the ``tool.call`` log line and the journal's row for one answered call."""
    elapsed = round((time.perf_counter() - began) * 1000, 2)
    question = asked(raw_args)
    trace = {**question, **traced(reply)}
    outcome = str(trace.pop("outcome"))
    known = name if name in TOOLS else "unknown"
    # By business (counts stay cheap); the latency histogram stays per tool: 200 businesses x
    # its buckets would be thousands of series.
    business = journal.business_id if journal is not None else "unknown"
    metrics.TOOL_CALLS.labels(business, known, outcome).inc()
    metrics.TOOL_SECONDS.labels(known).observe(elapsed / 1000)
    log.info(
        "tool.call",
        tool=name,
        call_id=call.call_id,
        phone=call.from_number,
        outcome=outcome,
        duration_ms=elapsed,
        **trace,
    )
    if journal is not None:
        journal.tool_call(
            call.call_id, name, outcome, elapsed, trace.get("appointment_id"), arguments=question
        )


def traced(reply: dict[str, Any]) -> dict[str, Any]:
    """What a log line needs to find this call again: the outcome, the appointment and its
    service and start, and how many results a search or lookup found."""
    found: dict[str, Any] = {"outcome": "ok" if reply.get("ok") else reply.get("error", "fault")}
    appointment = reply.get("appointment")
    if isinstance(appointment, dict):
        found["appointment_id"] = appointment.get("appointment_id")
        found["service"] = appointment.get("service")
        found["start"] = appointment.get("start")
    elif isinstance(reply.get("service"), str):
        found["service"] = reply["service"]
    for results in ("slots", "appointments"):
        if isinstance(reply.get(results), list):
            found["results"] = len(reply[results])
            if reply.get("ok") and not reply[results]:
                found["outcome"] = "none_found"
    listed = reply.get("appointments")
    if isinstance(listed, list) and listed:
        found["appointment_ids"] = [a.get("appointment_id") for a in listed if isinstance(a, dict)]
    return found


_ASKED = ("appointment_id", "service", "start", "slot_id", "when", "staff")


def asked(raw_args: Any) -> dict[str, str]:
    """What the caller asked for (never who they are): so a refused booking is traceable."""
    if not isinstance(raw_args, dict):
        return {}
    return {key: value[:100] for key in _ASKED if isinstance(value := raw_args.get(key), str)}
