"""What the composition root builds at start-up and the routes read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.connection import ASGIConnection

from agent_tools.ports import Deps
from app.db.operator_records import OperatorRecords
from app.google_sync import GoogleSync
from app.idempotency.guard import IdempotencyGuard
from app.journal import Journal
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
        """The first business's ports: what checks that concern no one business probe, and
        the operator console (which serves the first business)."""
        return self.host.current.first.deps

    @property
    def journal(self) -> Journal:
        """The first business's call records (the operator console's)."""
        return self.host.current.first.journal

    @property
    def google_sync(self) -> GoogleSync | None:
        """The first business's Google sync, if it has one (the operator console's)."""
        return self.host.current.first.google_sync

    @staticmethod
    def of(connection: ASGIConnection[Any, Any, Any, Any]) -> AppState:
        state: AppState = connection.app.state.frontdesk
        return state
