"""What the composition root builds at start-up and the routes read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.connection import ASGIConnection

from agent_tools.ports import Deps
from app.db.operator_records import OperatorRecords
from app.idempotency.guard import IdempotencyGuard
from app.rate_limit import RateLimiter
from app.replay import SeenSignatures
from app.settings import Settings
from app.tenants.host import TenantHost
from app.tenants.registry import Tenants


@dataclass
class AppState:
    settings: Settings
    pool: asyncpg.Pool | None  # None when the store is reached through Supabase's HTTP API
    host: TenantHost  # the businesses served (app/tenants), replaced whole on reload
    idempotency: IdempotencyGuard
    seen_signatures: SeenSignatures
    operator_records: OperatorRecords
    limiter: RateLimiter

    @property
    def tenants(self) -> Tenants:
        return self.host.current

    @property
    def deps(self) -> Deps:
        """The first business's ports: what checks that concern no one business probe (the
        console serves the business its session chose: app/console/auth.py)."""
        return self.host.current.first.deps

    @staticmethod
    def of(connection: ASGIConnection[Any, Any, Any, Any]) -> AppState:
        state: AppState = connection.app.state.frontdesk
        return state
