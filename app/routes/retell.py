"""Retell's custom-function webhooks: ``POST /retell/functions`` (Retell's full body) and
``POST /retell/functions/{name}`` (tools configured with "args only" payloads).

The first is a Litestar ASGI handler, the framework's own low-level route, because it is the
hot path: a ``@post`` handler's signature model, dependency resolution and Response conversion cost
more per call than the search behind it (docs/operations.md, "Search speed"). What those gave
is spelt out here instead (app/routes/raw_http.py); refusals still raise Litestar's exceptions,
answered by the app's handlers like on every other route: 401 for a bad signature, 429 past
the rate limit, 413 past the body limit, ``unknown_business`` for a call no business claims."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, asgi, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK
from litestar.types import Receive, Scope, Send

from agent_tools.registry import TOOLS
from app.routes import routed
from app.routes.raw_http import header, only, read_body, send_json
from app.routes.verified import Verified, malformed, malformed_reply, refuse, verify
from app.state import AppState
from app.tenants.registry import Tenant
from app.tool_calls import answer, call_context

__all__ = ["tool_call", "tool_call_args_only"]


@asgi("/retell/functions", copy_scope=False)
async def tool_call(scope: Scope, receive: Receive, send: Send) -> None:
    request, verified = await _verified(scope, receive)
    payload = verified.payload
    if not isinstance(payload, dict):
        await send_json(send, 400, malformed_reply(payload))
        return
    tenant = routed.tool_call_tenant(request, payload)
    name = payload.get("name")
    name = name if isinstance(name, str) else ""
    args, call = payload.get("args"), payload.get("call")
    await send_json(
        send, *await _answer(request, verified, tenant, name=name, args=args, call=call)
    )


@post("/retell/functions/{name:str}", status_code=HTTP_200_OK)
async def tool_call_args_only(
    request: Request[Any, Any, Any], name: FromPath[str]
) -> Response[dict[str, Any]]:
    """A plain handler: Litestar's ASGI handlers cannot take path parameters (its router looks
    them up by the request's method, under which an ASGI route has none), and this route is
    rarely the hot one."""
    signature = request.headers.get("x-retell-signature")
    verified = await verify(request, await request.body(), signature, repeat_ok=True)
    tenant = routed.args_only_tenant(request)
    if not isinstance(verified.payload, dict):
        return malformed(verified.payload)
    args = verified.payload
    status, reply = await _answer(request, verified, tenant, name=name, args=args, call=None)
    return Response(reply, status_code=status)


async def _verified(scope: Scope, receive: Receive) -> tuple[Request[Any, Any, Any], Verified]:
    only(scope, "POST")
    request: Request[Any, Any, Any] = Request(scope, receive)
    body = await read_body(scope, receive)
    signature = header(scope, b"x-retell-signature")
    return request, await verify(request, body, signature, repeat_ok=True)


async def _answer(
    request: Request[Any, Any, Any],
    verified: Verified,
    tenant: Tenant,
    *,
    name: str,
    args: Any,
    call: Any,
) -> tuple[int, dict[str, Any]]:
    if verified.repeated and not _replayable(name):
        refuse(request, "replayed")
    return await answer(
        name,
        args,
        call_context(call, tenant.business.country),
        tenant.deps,
        guard=AppState.of(request).idempotency,
        idempotency_header=header(request.scope, b"idempotency-key"),
        journal=tenant.journal,
    )


def _replayable(name: str) -> bool:
    """A repeated signature (a captured request, or a retry Retell did not sign afresh) may
    reach a tool that changes something: the idempotency layer answers it with the kept reply,
    or waits for the first attempt, and never acts twice. A read (find_slots,
    find_appointments) is refused, so a captured lookup cannot be replayed for its answer."""
    tool = TOOLS.get(name)
    return tool is not None and tool.mutates
