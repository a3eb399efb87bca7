"""Reading a Retell webhook's body once its signature is verified (shared by every Retell
route and by the dependencies that route a call to its business, app/routes/routed.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import NotAuthorizedException
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app import metrics
from app.payload import MalformedPayload, read_json
from app.signature import signature_verdict, signed_at_ms
from app.state import AppState

log = structlog.get_logger("frontdesk.webhooks")

_READ = "verified_json"


@dataclass(frozen=True, slots=True)
class Verified:
    payload: Any  # the JSON, or the MalformedPayload that says why the body is not
    repeated: bool  # its signature was seen before (only ever True when the caller allowed it)


async def verify(
    request: Request[Any, Any, Any], body: bytes, signature: str | None, *, repeat_ok: bool
) -> Verified:
    """``body``'s JSON, once its Retell signature is checked against the raw bytes. A signature
    seen before is refused (401) unless ``repeat_ok``: then the answer says it was a repeat and
    the caller decides what it may still get (app/routes/retell.py)."""
    state = AppState.of(request)
    key = state.settings.retell_api_key
    repeated = False
    if key:
        reason = await _refusal(state, body, signature, key)
        if reason == "replayed" and repeat_ok:
            repeated = True
        elif reason is not None:
            refuse(request, reason)
    state.limiter.admit(request)
    try:
        payload: Any = read_json(body)
    except MalformedPayload as error:
        payload = error
    return Verified(payload, repeated)


async def verified_json(request: Request[Any, Any, Any]) -> Any:
    """The request's verified JSON (:func:`verify`, repeats refused), read once per request: a
    dependency may have read it already."""
    if _READ in request.state:
        return request.state[_READ]
    signature = request.headers.get("x-retell-signature")
    verified = await verify(request, await request.body(), signature, repeat_ok=False)
    request.state[_READ] = verified.payload
    return verified.payload


def refuse(request: Request[Any, Any, Any], reason: str) -> None:
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


def malformed_reply(payload: Any = None) -> dict[str, Any]:
    """The answer to a payload that is not a JSON object: a MalformedPayload's reason, else
    the plain sentence."""
    if isinstance(payload, MalformedPayload):
        message = str(payload)
    else:
        message = "The request body is not a JSON object."
    return {"ok": False, "error": "malformed_json", "message": message}


def malformed(payload: Any = None) -> Response[dict[str, Any]]:
    return Response(malformed_reply(payload), status_code=HTTP_400_BAD_REQUEST)
