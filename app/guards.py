"""Who may reach what: the operator routes' guard, and the app state handed to handlers by
Litestar's dependency injection (``frontdesk: AppState`` in a handler's signature)."""

from __future__ import annotations

import hmac
from typing import Any

import structlog
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers import BaseRouteHandler

from app.state import AppState

Frontdesk = NamedDependency[AppState]  # a handler parameter ``frontdesk: Frontdesk``

log = structlog.get_logger("frontdesk.auth")


def app_state(request: Request[Any, Any, Any]) -> AppState:
    """The dependency behind ``frontdesk: Frontdesk``: what the composition root built."""
    return AppState.of(request)


def operator_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """``Authorization: Bearer $OPERATOR_API_KEY``; no or a wrong key (or no ``Bearer ``) is
    401; with no key configured the operator routes do not exist (404)."""
    key = AppState.of(connection).settings.operator_api_key
    state = AppState.of(connection)
    if not key:
        raise NotFoundException()
    scheme, _space, given = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), key.encode()):
        state.limiter.refuse(connection)
        log.warning("operator.refused", path=connection.url.path, has_header=bool(scheme))
        raise NotAuthorizedException("operator key required: Authorization: Bearer <key>")
    state.limiter.admit(connection)
