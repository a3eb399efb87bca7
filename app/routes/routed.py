"""Which business a Retell webhook is for, resolved from the verified payload
(app/tenants/registry.py routes it): for the event routes as Litestar dependencies (``tenant:
Routed`` in a handler's signature); for the tool calls, which are ASGI handlers for speed
(app/routes/retell.py), as plain functions of the payload.

A payload no business claims, while several are served, ends in :class:`UnknownBusinessError`:
answered ``{"ok": false, "error": "unknown_business"}`` with 200 (Retell must not retry it),
logged with the agent id and the (redacted) numbers, and nothing is read or written.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.di import NamedDependency, Provide
from litestar.status_codes import HTTP_200_OK

from app.routes.verified import verified_json
from app.state import AppState
from app.tenants.registry import CallAddress, Tenant

log = structlog.get_logger("frontdesk.tenants")

Routed = NamedDependency[Tenant]  # a handler parameter ``tenant: Routed``

UNKNOWN_BUSINESS = "Sorry, this line isn't set up for bookings yet, so I can't help with that here."


class UnknownBusinessError(Exception):
    def __init__(self, address: CallAddress) -> None:
        super().__init__("no business answers this call")
        self.address = address


def _routed(request: Request[Any, Any, Any], address: CallAddress) -> Tenant:
    tenant = AppState.of(request).tenants.route(address)
    if tenant is None:
        raise UnknownBusinessError(address)
    structlog.contextvars.bind_contextvars(business=tenant.id)
    return tenant


def _fallback(request: Request[Any, Any, Any]) -> Tenant:
    """For a payload that is not even JSON: the handler answers 400 before using it."""
    tenants = AppState.of(request).tenants
    return tenants.route(CallAddress()) or tenants.first


def tool_call_tenant(request: Request[Any, Any, Any], payload: dict[str, Any]) -> Tenant:
    """``POST /retell/functions``: by ``call.agent_id``, then ``to_number`` (inbound) or
    ``from_number`` (outbound)."""
    return _routed(request, CallAddress.of(payload.get("call")))


def args_only_tenant(request: Request[Any, Any, Any]) -> Tenant:
    """``POST /retell/functions/{name}`` ("args only": no call object): by the ``business``
    query parameter the tool's URL carries, else as an unmatched call."""
    wanted = request.query_params.get("business")
    tenants = AppState.of(request).tenants
    tenant = tenants.get(wanted) if wanted else tenants.route(CallAddress())
    if tenant is None:
        raise UnknownBusinessError(CallAddress())
    structlog.contextvars.bind_contextvars(business=tenant.id)
    return tenant


async def event_tenant(request: Request[Any, Any, Any]) -> Tenant:
    """``POST /retell/webhook``: by ``call.agent_id`` (then the number, like a tool call)."""
    payload = await verified_json(request)
    if not isinstance(payload, dict):
        return _fallback(request)
    return _routed(request, CallAddress.of(payload.get("call")))


async def inbound_tenant(request: Request[Any, Any, Any]) -> Tenant:
    """``POST /retell/inbound``: by ``call_inbound.agent_id``, then ``to_number``."""
    payload = await verified_json(request)
    if not isinstance(payload, dict):
        return _fallback(request)
    said = payload.get("event")
    event = said if isinstance(said, str) and said else "call_inbound"
    details = payload.get(event) or payload.get("call_inbound")
    address = CallAddress.of(details)
    return _routed(request, CallAddress(address.agent_id, address.to_number, address.from_number))


def unknown_business(request: Request[Any, Any, Any], error: UnknownBusinessError) -> Response[Any]:
    address = error.address
    log.warning(
        "tenants.unknown_business",
        agent_id=address.agent_id,
        to_number=address.to_number,
        from_number=address.from_number,
        path=request.url.path,
    )
    return Response(
        {"ok": False, "error": "unknown_business", "message": UNKNOWN_BUSINESS},
        status_code=HTTP_200_OK,
    )


EVENT = {"tenant": Provide(event_tenant)}
INBOUND = {"tenant": Provide(inbound_tenant)}
