"""What the composition root builds at start-up and the routes read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.connection import ASGIConnection

from agent_tools.ports import Deps
from app.db.operator_records import OperatorRecords
from app.google_channels import PushChannels
from app.google_sync import GoogleSync
from app.idempotency.guard import IdempotencyGuard
from app.journal import Journal
from app.rate_limit import RateLimiter
from app.replay import SeenSignatures
from app.settings import Settings


@dataclass
class AppState:
    settings: Settings
    pool: asyncpg.Pool | None  # None when the store is reached through Supabase's HTTP API
    deps: Deps
    idempotency: IdempotencyGuard
    journal: Journal
    seen_signatures: SeenSignatures
    operator_records: OperatorRecords
    limiter: RateLimiter
    google_sync: GoogleSync | None = None
    push_channels: PushChannels | None = None

    @staticmethod
    def of(connection: ASGIConnection[Any, Any, Any, Any]) -> AppState:
        state: AppState = connection.app.state.frontdesk
        return state
