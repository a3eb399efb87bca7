"""The business an operator request is about, as a Litestar dependency (``tenant: Operated``).

A business's own key is that business (asking for another one is 404, as if it did not
exist); the global key names one with ``?business=<id>``, which may be left out while only one
business is served.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException, ValidationException

from app.guards import SCOPE
from app.state import AppState
from app.tenants.registry import Tenant

Operated = NamedDependency[Tenant]  # a handler parameter ``tenant: Operated``


def operated_tenant(request: Request[Any, Any, Any]) -> Tenant:
    tenants = AppState.of(request).tenants
    scope: str | None = request.state.get(SCOPE)
    wanted = request.query_params.get("business") or None
    if scope is not None and wanted not in (None, scope):
        raise NotFoundException(f"no business {wanted[:64]!r}")
    name = scope or wanted
    if name is None:
        if len(tenants) != 1:
            raise ValidationException("business: give ?business=<id> (several are served)")
        tenant: Tenant | None = tenants.first
    else:
        tenant = tenants.get(name)
    if tenant is None:
        raise NotFoundException(f"no business {name!r}")
    structlog.contextvars.bind_contextvars(business=tenant.id)
    return tenant


OPERATED = {"tenant": Provide(operated_tenant, sync_to_thread=False)}
