"""Retell's custom-function webhooks: ``POST /retell/functions`` (Retell's full body) and
``POST /retell/functions/{name}`` (tools configured with "args only" payloads)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from agent_tools.registry import TOOLS
from app.payload import MalformedPayload
from app.routes import routed
from app.routes.verified import is_repeat, malformed, refuse, verified_json
from app.state import AppState
from app.tenants.registry import Tenant
from app.tool_calls import answer, call_context

__all__ = ["malformed", "tool_call", "tool_call_args_only", "verified_json"]


@post("/retell/functions", status_code=HTTP_200_OK, dependencies=routed.TOOL_CALL)
async def tool_call(
    request: Request[Any, Any, Any], tenant: routed.Routed
) -> Response[dict[str, Any]]:
    payload = await verified_json(request, repeat_ok=True)
    if isinstance(payload, MalformedPayload):
        return malformed(payload)
    if not isinstance(payload, dict):
        return malformed()
    name = payload.get("name")
    return await _answer(
        request,
        tenant,
        name if isinstance(name, str) else "",
        payload.get("args"),
        payload.get("call"),
    )


@post("/retell/functions/{name:str}", status_code=HTTP_200_OK, dependencies=routed.ARGS_ONLY)
async def tool_call_args_only(
    request: Request[Any, Any, Any], name: FromPath[str], tenant: routed.Routed
) -> Response[dict[str, Any]]:
    payload = await verified_json(request, repeat_ok=True)
    if isinstance(payload, MalformedPayload):
        return malformed(payload)
    if not isinstance(payload, dict):
        return malformed()
    return await _answer(request, tenant, name, payload, None)


async def _answer(
    request: Request[Any, Any, Any], tenant: Tenant, name: str, args: Any, call: Any
) -> Response[dict[str, Any]]:
    state = AppState.of(request)
    if is_repeat(request) and not _replayable(name):
        refuse(request, "replayed")
    status, body = await answer(
        name,
        args,
        call_context(call, tenant.business.country),
        tenant.deps,
        guard=state.idempotency,
        idempotency_header=request.headers.get("idempotency-key"),
        journal=tenant.journal,
    )
    return Response(body, status_code=status)


def _replayable(name: str) -> bool:
    """A repeated signature (a captured request, or a retry Retell did not sign afresh) may
    reach a tool that changes something: the idempotency layer answers it with the kept reply,
    or waits for the first attempt, and never acts twice. A read (find_slots,
    find_appointments) is refused, so a captured lookup cannot be replayed for its answer."""
    tool = TOOLS.get(name)
    return tool is not None and tool.mutates
