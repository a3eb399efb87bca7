"""Retell's webhook signature: ``X-Retell-Signature: v=<unix ms>,d=<hex HMAC-SHA256>``.

The digest is HMAC-SHA256 keyed with the API key over the raw body followed by the decimal
timestamp, exactly as ``retell.lib.webhook_auth`` signs; tests sign with that SDK.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_HEADER = re.compile(r"v=(\d{1,16}),d=([0-9a-f]{64})")


def is_valid_signature(
    body: bytes, header: str | None, api_key: str, *, now_ms: int, tolerance_ms: int
) -> bool:
    problem = signature_problem(body, header, api_key, now_ms=now_ms, tolerance_ms=tolerance_ms)
    return problem is None


def signature_problem(
    body: bytes, header: str | None, api_key: str, *, now_ms: int, tolerance_ms: int
) -> str | None:
    """Why the signature is refused (``missing``, ``malformed``, ``stale``, ``wrong_key``: the
    digest does not match this body with our key), or None when it is valid."""
    if not header:
        return "missing"
    match = _HEADER.fullmatch(header.strip())
    if match is None:
        return "malformed"
    timestamp = match[1]
    if abs(now_ms - int(timestamp)) > tolerance_ms:
        return "stale"
    expected = hmac.new(api_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, match[2]) else "wrong_key"
