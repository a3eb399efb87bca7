"""The console's session: a signed, expiring cookie that says who signed in and carries the
CSRF token every form posts back. Signed with a key derived from the operator key, so every
instance accepts it and changing the operator key signs everyone out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

COOKIE = "fd_console"
LIFETIME_SECONDS = 8 * 3600


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """A signed-in operator: until when, their CSRF token, and what they may see (``"*"``: every
    business; later a business id for a business's own key)."""

    expires: int
    csrf: str
    scope: str = "*"

    @classmethod
    def new(cls, scope: str = "*", now: float | None = None) -> ConsoleSession:
        issued = int(now if now is not None else time.time())
        return cls(issued + LIFETIME_SECONDS, secrets.token_urlsafe(24), scope)

    def live(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) < self.expires

    def accepts(self, token: str) -> bool:
        return bool(token) and hmac.compare_digest(token.encode(), self.csrf.encode())


def _key(operator_key: str) -> bytes:
    return hashlib.sha256(b"frontdesk-console|" + operator_key.encode()).digest()


def seal(session: ConsoleSession, operator_key: str) -> str:
    body = base64.urlsafe_b64encode(
        json.dumps({"e": session.expires, "c": session.csrf, "s": session.scope}).encode()
    ).decode()
    mac = hmac.new(_key(operator_key), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def unseal(value: str, operator_key: str, now: float | None = None) -> ConsoleSession | None:
    """The session in a cookie, or None when it is missing, forged, malformed or expired."""
    body, _, mac = value.partition(".")
    expected = hmac.new(_key(operator_key), body.encode(), hashlib.sha256).hexdigest()
    if not mac or not hmac.compare_digest(mac.encode(), expected.encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
        session = ConsoleSession(int(data["e"]), str(data["c"]), str(data["s"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.live(now) else None
