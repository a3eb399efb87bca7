"""Who may reach what: the operator routes' guards, and the app state handed to handlers by
Litestar's dependency injection (``frontdesk: AppState`` in a handler's signature).

Operator keys: the global ``OPERATOR_API_KEY`` sees every business; a business's own key
(``[operator] key_env`` in its file) sees only that business. The guard leaves the scope on the
connection (``operator_scope``: None for all, else the business id) for app/routes/operated.py.
"""

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

SCOPE = "operator_scope"
_ALL = "*"


def app_state(request: Request[Any, Any, Any]) -> AppState:
    """The dependency behind ``frontdesk: Frontdesk``: what the composition root built."""
    return AppState.of(request)


def operator_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """``Authorization: Bearer <key>``: the global key or a business's own; no or a wrong key
    (or no ``Bearer ``) is 401; with no key configured the operator routes do not exist (404)."""
    state = AppState.of(connection)
    keys = _keys(state)
    if not keys:
        raise NotFoundException()
    given = _bearer(connection)
    scope = next(
        (who for who, key in keys if given and hmac.compare_digest(given, key.encode())), None
    )
    if scope is None:
        _refused(connection, state)
    connection.state[SCOPE] = None if scope == _ALL else scope
    state.limiter.admit(connection)


def global_operator_only(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Only ``OPERATOR_API_KEY``: what concerns every business (reloading them)."""
    state = AppState.of(connection)
    key = state.settings.operator_api_key
    if not key:
        raise NotFoundException()
    given = _bearer(connection)
    if not given or not hmac.compare_digest(given, key.encode()):
        _refused(connection, state)
    connection.state[SCOPE] = None
    state.limiter.admit(connection)


def _keys(state: AppState) -> list[tuple[str, str]]:
    keys = [(_ALL, state.settings.operator_api_key)] if state.settings.operator_api_key else []
    return keys + [(t.id, t.operator_key) for t in state.tenants if t.operator_key]


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> bytes | None:
    scheme, _space, given = connection.headers.get("authorization", "").partition(" ")
    return given.strip().encode() if scheme.lower() == "bearer" else None


def _refused(connection: ASGIConnection[Any, Any, Any, Any], state: AppState) -> None:
    state.limiter.refuse(connection)
    has_header = bool(connection.headers.get("authorization"))
    log.warning("operator.refused", path=connection.url.path, has_header=has_header)
    raise NotAuthorizedException("operator key required: Authorization: Bearer <key>")
