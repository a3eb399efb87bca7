"""Retell's call webhooks: call lifecycle events, and the inbound-call lookup that greets a
known caller by name."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from litestar import Request, Response, post
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_204_NO_CONTENT,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from agent_tools.caller_context import dynamic_variables
from agent_tools.ports import Appointment, StoreUnavailableError
from app.db.faults import CONNECTION_FAULTS
from app.payload import MalformedPayload
from app.routes import routed
from app.routes.verified import malformed, verified_json
from app.tenants.registry import Tenant
from app.tool_calls import caller_id, storable

log = structlog.get_logger("frontdesk.retell")

# The database not answering now: Retell's retry will find it back. Anything else is a fault
# of ours (500, logged with its traceback), which Retell retries too.
_NOT_NOW: tuple[type[BaseException], ...] = (StoreUnavailableError, *CONNECTION_FAULTS)

# Retell waits 10 s for the inbound webhook; a known caller is a nicety, not worth a slow answer.
CALLER_LOOKUP_SECONDS = 1.0


@post("/retell/webhook", status_code=HTTP_200_OK, dependencies=routed.EVENT)
async def call_event(request: Request[Any, Any, Any], tenant: routed.Routed) -> Response[Any]:
    """Store every event (unknown ones too), then acknowledge it; an event that could not be
    stored is answered 503 so Retell sends it again: never acknowledge what was not kept."""
    payload = await verified_json(request)
    if not isinstance(payload, dict):
        return malformed()
    event = payload.get("event")
    event = event if isinstance(event, str) and event else "unknown"
    call = payload.get("call")
    call_id = call.get("call_id") if isinstance(call, dict) else None
    if not storable(payload):  # NUL or a lone surrogate: no retry could ever store it
        log.warning("retell.event_unstorable", retell_event=event)
        return malformed(MalformedPayload("The event holds text that cannot be stored."))
    try:
        await tenant.journal.call_event(event, payload)
    except _NOT_NOW as error:
        log.warning(
            "retell.event_not_stored",
            retell_event=event,
            call_id=call_id,
            error=type(error).__name__,
        )
        return Response(
            {"ok": False, "error": "temporarily_unavailable", "message": "Not stored; retry."},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    log.info("retell.event", retell_event=event, call_id=call_id)
    return Response(None, status_code=HTTP_204_NO_CONTENT)


@post("/retell/inbound", status_code=HTTP_200_OK, dependencies=routed.INBOUND)
async def inbound_call(
    request: Request[Any, Any, Any], tenant: routed.Routed
) -> Response[dict[str, Any]]:
    """``call_inbound`` / ``chat_inbound``: the variables the prompt greets the caller with."""
    payload = await verified_json(request)
    if not isinstance(payload, dict):
        return malformed()
    said = payload.get("event")
    event = said if isinstance(said, str) and said else "call_inbound"
    details = payload.get(event) or payload.get("call_inbound") or {}
    from_number = details.get("from_number") if isinstance(details, dict) else None
    deps = tenant.deps
    now = deps.clock()
    name, upcoming = await _known_caller(tenant, caller_id(from_number, deps.business.country))
    variables = dynamic_variables(deps.business, now, name, upcoming)
    return Response(
        {event: {"dynamic_variables": variables, "metadata": {"business_id": deps.business.id}}}
    )


async def _known_caller(tenant: Tenant, phone: str | None) -> tuple[str | None, Appointment | None]:
    if phone is None:
        return None, None
    try:
        async with asyncio.timeout(CALLER_LOOKUP_SECONDS):
            return await tenant.journal.records.caller(tenant.id, phone, tenant.deps.clock())
    except Exception:
        log.warning("retell.caller_lookup_failed", exc_info=True)
        return None, None
