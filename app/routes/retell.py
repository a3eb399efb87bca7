"""Retell's custom-function webhooks: ``POST /retell/functions`` (Retell's full body) and
``POST /retell/functions/{name}`` (tools configured with "args only" payloads)."""

from __future__ import annotations

import json
import time
from typing import Any, NoReturn

import structlog
from litestar import Request, Response, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST

from app import metrics
from app.signature import signature_problem
from app.state import AppState
from app.tool_calls import answer, call_context

log = structlog.get_logger("frontdesk.retell")


async def verified_json(request: Request[Any, Any, Any]) -> Any:
    """The request's JSON, after its Retell signature is checked against the raw bytes."""
    state = AppState.of(request)
    body = await request.body()
    key = state.settings.retell_api_key
    if key:
        signature = request.headers.get("x-retell-signature")
        problem = signature_problem(
            body,
            signature,
            key,
            now_ms=int(time.time() * 1000),
            tolerance_ms=state.settings.signature_tolerance_ms,
        )
        if problem is None and not await state.seen_signatures.first_time(signature or ""):
            problem = "replay"
        if problem is not None:
            refused(request, problem)
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _MALFORMED


_MALFORMED = object()


def refused(request: Request[Any, Any, Any], reason: str) -> NoReturn:
    """401, counted and logged with the reason (never the signature or the key)."""
    metrics.SIGNATURES_REFUSED.labels(reason).inc()
    log.warning("signature.refused", reason=reason, path=request.url.path)
    if reason == "replay":
        raise NotAuthorizedException("this signed request was already received")
    raise NotAuthorizedException("invalid or missing X-Retell-Signature")


def malformed() -> Response[dict[str, Any]]:
    return Response(
        {"ok": False, "error": "malformed_json", "message": "The request body is not JSON."},
        status_code=HTTP_400_BAD_REQUEST,
    )


@post("/retell/functions", status_code=HTTP_200_OK)
async def tool_call(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    payload = await verified_json(request)
    if payload is _MALFORMED or not isinstance(payload, dict):
        return malformed()
    name = payload.get("name")
    return await _answer(
        request, name if isinstance(name, str) else "", payload.get("args"), payload.get("call")
    )


@post("/retell/functions/{name:str}", status_code=HTTP_200_OK)
async def tool_call_args_only(
    request: Request[Any, Any, Any], name: FromPath[str]
) -> Response[dict[str, Any]]:
    payload = await verified_json(request)
    if payload is _MALFORMED or not isinstance(payload, dict):
        return malformed()
    return await _answer(request, name, payload, None)


async def _answer(
    request: Request[Any, Any, Any], name: str, args: Any, call: Any
) -> Response[dict[str, Any]]:
    state = AppState.of(request)
    status, body = await answer(
        name,
        args,
        call_context(call),
        state.deps,
        guard=state.idempotency,
        idempotency_header=request.headers.get("idempotency-key"),
        journal=state.journal,
    )
    return Response(body, status_code=status)
