"""The composition root: builds settings, logging, database, calendar and tools, once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import structlog
from litestar import Litestar

from agent_tools.ports import Deps
from app.business_config import load_business
from app.db.appointments import PostgresAppointmentStore
from app.db.embedded import start_embedded_postgres
from app.db.migrations import apply_migrations
from app.routes import health, retell
from app.settings import Settings
from app.state import AppState
from calendar_adapter.local import LocalCalendar

log = structlog.get_logger("frontdesk")


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Litestar:
    settings.validate()
    business = load_business(settings.business_config)  # fail fast, before serving

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not settings.retell_api_key:
            log.warning("webhooks.unsigned", detail="ALLOW_UNSIGNED_WEBHOOKS is on: demo only")
        embedded = None
        database_url = settings.database_url
        if database_url is None:
            embedded = await start_embedded_postgres(settings.data_dir)
            database_url = embedded.uri
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=10)
        try:
            async with pool.acquire() as connection:
                await apply_migrations(connection, settings.migrations_dir)
            calendar = LocalCalendar(settings.data_dir / "local-calendar.json")
            deps = Deps(
                business=business,
                calendar=calendar,
                store=PostgresAppointmentStore(pool),
                clock=clock,
            )
            app.state.frontdesk = AppState(settings=settings, pool=pool, deps=deps)
            log.info(
                "app.started",
                url=f"http://{settings.host}:{settings.port}",
                business=business.id,
                database="external" if settings.database_url else "embedded",
                calendar="local",
            )
            yield
            await calendar.aclose()
        finally:
            await pool.close()
            if embedded is not None:
                await embedded.stop()

    return Litestar(
        route_handlers=[
            retell.tool_call,
            retell.tool_call_args_only,
            health.live,
            health.ready,
        ],
        lifespan=[lifespan],
        debug=False,
        request_max_body_size=1024 * 1024,
    )
