"""Retell's custom-function webhooks: ``POST /retell/functions`` (Retell's full body) and
``POST /retell/functions/{name}`` (tools configured with "args only" payloads)."""

from __future__ import annotations

import time
from typing import Any

import structlog
from litestar import Request, Response, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST

from app import metrics
from app.payload import MalformedPayload, read_json
from app.signature import signature_verdict
from app.state import AppState
from app.tool_calls import answer, call_context

log = structlog.get_logger("frontdesk.webhooks")


async def verified_json(request: Request[Any, Any, Any]) -> Any:
    """The request's JSON, after its Retell signature is checked against the raw bytes."""
    state = AppState.of(request)
    body = await request.body()
    key = state.settings.retell_api_key
    if key:
        signature = request.headers.get("x-retell-signature")
        reason = await _refusal(state, body, signature, key)
        if reason is not None:
            state.limiter.refuse(request)  # 429 once a source has sent too many bad ones
            metrics.SIGNATURES_REFUSED.labels(reason).inc()
            log.warning("signature.refused", reason=reason, path=request.url.path)
            raise NotAuthorizedException("invalid, missing or replayed X-Retell-Signature")
    state.limiter.admit(request)
    try:
        return read_json(body)
    except MalformedPayload as error:
        return error


async def _refusal(state: AppState, body: bytes, signature: str | None, key: str) -> str | None:
    """Why a signed request is refused (missing, malformed, stale, wrong, replayed), or None."""
    verdict = signature_verdict(
        body,
        signature,
        key,
        now_ms=int(time.time() * 1000),
        tolerance_ms=state.settings.signature_tolerance_ms,
    )
    if verdict != "valid":
        return verdict
    if not await state.seen_signatures.first_time(signature or ""):
        return "replayed"
    return None


def malformed(error: MalformedPayload | None = None) -> Response[dict[str, Any]]:
    message = str(error) if error else "The request body is not a JSON object."
    return Response(
        {"ok": False, "error": "malformed_json", "message": message},
        status_code=HTTP_400_BAD_REQUEST,
    )


@post("/retell/functions", status_code=HTTP_200_OK)
async def tool_call(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    payload = await verified_json(request)
    if isinstance(payload, MalformedPayload):
        return malformed(payload)
    if not isinstance(payload, dict):
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
    if isinstance(payload, MalformedPayload):
        return malformed(payload)
    if not isinstance(payload, dict):
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
