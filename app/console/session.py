"""Who is signed in to the console: a signed, encrypted, HttpOnly, SameSite=Lax cookie that
expires (Litestar's client-side sessions), holding an :class:`OperatorSession`.

The session records which businesses its key sees (:class:`Scope`): ``OPERATOR_API_KEY`` sees
every business; a business's own operator key (multi-business deployments) will see only its
own, by returning a narrower scope from :func:`scope_for_key`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.base import SessionMiddleware
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.types import ASGIApp

from app.settings import Settings

COOKIE = "fd_console"
MAX_AGE_SECONDS = 8 * 3600  # a working day; then sign in again


@dataclass(frozen=True)
class Scope:
    """The businesses a session may see; ``None``: every business in the deployment."""

    businesses: frozenset[str] | None

    def sees(self, business_id: str) -> bool:
        return self.businesses is None or business_id in self.businesses

    def dump(self) -> list[str] | None:
        return None if self.businesses is None else sorted(self.businesses)

    @classmethod
    def load(cls, raw: Any) -> Scope:
        return cls(None if raw is None else frozenset(str(b) for b in raw))


EVERY_BUSINESS = Scope(None)


@dataclass(frozen=True)
class OperatorSession:
    """A browser's session: its CSRF token always; its scope once signed in."""

    csrf: str
    scope: Scope | None = None

    @property
    def signed_in(self) -> bool:
        return self.scope is not None

    @classmethod
    def of(cls, connection: ASGIConnection[Any, Any, Any, Any]) -> OperatorSession | None:
        raw = connection.scope.get("session")
        if not isinstance(raw, dict) or not isinstance(raw.get("csrf"), str):
            return None
        scope = Scope.load(raw["scope"]) if raw.get("signed_in") else None
        return cls(raw["csrf"], scope)

    def store(self, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        connection.set_session(
            {
                "csrf": self.csrf,
                "signed_in": self.signed_in,
                "scope": self.scope.dump() if self.scope else None,
            }
        )

    @classmethod
    def fresh(cls, scope: Scope | None = None) -> OperatorSession:
        return cls(secrets.token_urlsafe(32), scope)


def scope_for_key(settings: Settings, given: str) -> Scope | None:
    """The scope a sign-in key grants, or None for a wrong key (compared in constant time)."""
    key = settings.operator_api_key
    if key and hmac.compare_digest(given.encode(), key.encode()):
        return EVERY_BUSINESS
    return None


def cookie_config(settings: Settings) -> CookieBackendConfig:
    """The cookie is encrypted and authenticated with a key derived from OPERATOR_API_KEY:
    rotating the operator key signs every console session out."""
    secret = hashlib.sha256(
        b"frontdesk-console-session\0" + (settings.operator_api_key or "").encode()
    )
    return CookieBackendConfig(
        secret=secret.digest(),
        key=COOKIE,
        path="/console",
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=(settings.public_base_url or "").startswith("https://"),
    )


def session_middleware(settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    """The session middleware as a factory (a router's layers are deep-copied; a cipher is not)."""
    config = cookie_config(settings)

    def wrap(app: ASGIApp) -> ASGIApp:
        return SessionMiddleware(app, ClientSideSessionBackend(config))

    return wrap
