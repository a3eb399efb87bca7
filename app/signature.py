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
    if not header:
        return False
    match = _HEADER.fullmatch(header.strip())
    if match is None:
        return False
    timestamp = match[1]
    if abs(now_ms - int(timestamp)) > tolerance_ms:
        return False
    expected = hmac.new(api_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, match[2])
