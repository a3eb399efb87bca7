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

from agent_tools.registry import TOOLS
from app import metrics
from app.payload import MalformedPayload, read_json
from app.signature import signature_verdict, signed_at_ms
from app.state import AppState
from app.tool_calls import answer, call_context

log = structlog.get_logger("frontdesk.webhooks")


async def verified_json(request: Request[Any, Any, Any], *, repeat_ok: bool = False) -> Any:
    """The request's JSON, after its Retell signature is checked against the raw bytes. A
    signature seen before is refused (401) unless ``repeat_ok``: then the caller learns of the
    repeat through :func:`is_repeat` and decides what it may still get."""
    state = AppState.of(request)
    body = await request.body()
    key = state.settings.retell_api_key
    if key:
        signature = request.headers.get("x-retell-signature")
        reason = await _refusal(state, body, signature, key)
        if reason == "replayed" and repeat_ok:
            request.state.signature_repeated = True
        elif reason is not None:
            _refuse(request, reason)
    state.limiter.admit(request)
    try:
        return read_json(body)
    except MalformedPayload as error:
        return error


def is_repeat(request: Request[Any, Any, Any]) -> bool:
    return bool(request.state.get("signature_repeated"))


def _refuse(request: Request[Any, Any, Any], reason: str) -> None:
    AppState.of(request).limiter.refuse(request)  # 429 once a source sent too many bad ones
    metrics.SIGNATURES_REFUSED.labels(reason).inc()
    log.warning("signature.refused", reason=reason, path=request.url.path)
    raise NotAuthorizedException("invalid, missing or replayed X-Retell-Signature")


async def _refusal(state: AppState, body: bytes, signature: str | None, key: str) -> str | None:
    """Why a signed request is refused (missing, malformed, stale, future, wrong, replayed), or
    None. A signature is remembered until it would be refused as stale anyway."""
    tolerance = state.settings.signature_tolerance_ms
    verdict = signature_verdict(
        body, signature, key, now_ms=int(time.time() * 1000), tolerance_ms=tolerance
    )
    if verdict != "valid":
        return verdict
    expires_at_ms = (signed_at_ms(signature) or 0) + tolerance
    if not await state.seen_signatures.first_time(signature or "", expires_at_ms):
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
    payload = await verified_json(request, repeat_ok=True)
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
    payload = await verified_json(request, repeat_ok=True)
    if isinstance(payload, MalformedPayload):
        return malformed(payload)
    if not isinstance(payload, dict):
        return malformed()
    return await _answer(request, name, payload, None)


async def _answer(
    request: Request[Any, Any, Any], name: str, args: Any, call: Any
) -> Response[dict[str, Any]]:
    state = AppState.of(request)
    if is_repeat(request) and not _replayable(name):
        _refuse(request, "replayed")
    status, body = await answer(
        name,
        args,
        call_context(call, state.deps.business.country),
        state.deps,
        guard=state.idempotency,
        idempotency_header=request.headers.get("idempotency-key"),
        journal=state.journal,
    )
    return Response(body, status_code=status)


def _replayable(name: str) -> bool:
    """A repeated signature (a captured request, or a retry Retell did not sign afresh) may
    reach a tool that changes something: the idempotency layer answers it with the kept reply,
    or waits for the first attempt, and never acts twice. A read (find_slots,
    find_appointments) is refused, so a captured lookup cannot be replayed for its answer."""
    tool = TOOLS.get(name)
    return tool is not None and tool.mutates
