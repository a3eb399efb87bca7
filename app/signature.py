"""Retell's webhook signature: ``X-Retell-Signature: v=<unix ms>,d=<hex HMAC-SHA256>``.

The digest is HMAC-SHA256 keyed with the API key over the raw body followed by the decimal
timestamp, exactly as ``retell.lib.webhook_auth`` signs; tests sign with that SDK.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# A signature dated further ahead than this is refused: clocks differ by seconds, not minutes,
# and a far-future date would stretch how long a captured request stays replayable.
FUTURE_SKEW_MS = 30_000
_HEADER = re.compile(r"v=(\d{1,16}),d=([0-9a-f]{64})")


def is_valid_signature(
    body: bytes, header: str | None, api_key: str, *, now_ms: int, tolerance_ms: int
) -> bool:
    verdict = signature_verdict(body, header, api_key, now_ms=now_ms, tolerance_ms=tolerance_ms)
    return verdict == "valid"


def signature_verdict(
    body: bytes, header: str | None, api_key: str, *, now_ms: int, tolerance_ms: int
) -> str:
    """``valid``, or why not: ``missing``, ``malformed``, ``stale`` (outside the tolerance),
    ``future`` (more than a small clock skew ahead) or ``wrong`` (another key or body)."""
    if not header:
        return "missing"
    match = _HEADER.fullmatch(header.strip())
    if match is None:
        return "malformed"
    timestamp = match[1]
    if now_ms - int(timestamp) > tolerance_ms:
        return "stale"
    if int(timestamp) - now_ms > FUTURE_SKEW_MS:
        return "future"
    expected = hmac.new(api_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return "valid" if hmac.compare_digest(expected, match[2]) else "wrong"


def signed_at_ms(header: str | None) -> int | None:
    """The send time a well-formed signature header carries (Unix ms)."""
    match = _HEADER.fullmatch((header or "").strip())
    return int(match[1]) if match else None
