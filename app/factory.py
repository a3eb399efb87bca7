"""The composition root: builds settings, logging, database, calendar, idempotency and the
reconciler once, and closes them in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime

import structlog
from litestar import Litestar

from agent_tools.ports import Deps
from app import reconciler
from app.business_config import load_business
from app.db import supabase_store
from app.db.appointments import PostgresAppointmentStore, create_pool
from app.db.embedded import start_embedded_postgres
from app.db.migrations import apply_migrations
from app.db.supabase_store import SupabaseAppointmentStore
from app.idempotency import DurableTier, FastTier
from app.idempotency.guard import IdempotencyGuard
from app.idempotency.memory import MemoryTier
from app.idempotency.records import PostgresRecords, SupabaseRecords
from app.idempotency.redis_tier import RedisTier
from app.journal import Journal
from app.routes import health, retell, retell_events
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
        async with AsyncExitStack() as stack:
            if not settings.retell_api_key:
                log.warning("webhooks.unsigned", detail="ALLOW_UNSIGNED_WEBHOOKS is on: demo only")
            pool = None
            store: PostgresAppointmentStore | SupabaseAppointmentStore
            durable: DurableTier
            if (
                settings.supabase_url
                and settings.supabase_service_key
                and not settings.database_url
            ):
                client = await supabase_store.connect(
                    settings.supabase_url, settings.supabase_service_key
                )
                store = SupabaseAppointmentStore(client)
                durable = SupabaseRecords(client)
                database = "supabase-api"
            else:
                url = settings.database_url
                if url is None:
                    embedded = await start_embedded_postgres(settings.data_dir)
                    stack.push_async_callback(embedded.stop)
                    url = embedded.uri
                pool = await create_pool(url, statement_cache=settings.statement_cache)
                stack.push_async_callback(pool.close)
                async with pool.acquire() as connection:
                    await apply_migrations(connection, settings.migrations_dir)
                store = PostgresAppointmentStore(pool)
                durable = PostgresRecords(pool)
                database = "postgres" if settings.database_url else "embedded"

            calendar = LocalCalendar(settings.data_dir / "local-calendar.json")
            stack.push_async_callback(calendar.aclose)
            fast: FastTier
            if settings.redis_url:
                fast = RedisTier.from_url(
                    settings.redis_url,
                    settings.idempotency_ttl_seconds,
                    settings.idempotency_inflight_seconds,
                )
            else:
                fast = MemoryTier(
                    settings.idempotency_ttl_seconds, settings.idempotency_inflight_seconds
                )
            stack.push_async_callback(fast.aclose)
            deps = Deps(business=business, calendar=calendar, store=store, clock=clock)
            guard = IdempotencyGuard(fast, durable, settings.idempotency_wait_seconds)
            journal = Journal(store, business.id)
            stack.push_async_callback(journal.drain)
            app.state.frontdesk = AppState(
                settings=settings, pool=pool, deps=deps, idempotency=guard, journal=journal
            )
            sweeper = asyncio.create_task(
                reconciler.run_forever(
                    store,
                    calendar,
                    business,
                    every_seconds=settings.reconcile_every_seconds,
                    grace_seconds=settings.reconcile_grace_seconds,
                )
            )
            stack.push_async_callback(_stop, sweeper)
            log.info(
                "app.started",
                url=f"http://{settings.host}:{settings.port}",
                business=business.id,
                database=database,
                calendar="local",
                idempotency="redis" if settings.redis_url else "in-process",
            )
            yield

    return Litestar(
        route_handlers=[
            retell.tool_call,
            retell.tool_call_args_only,
            retell_events.call_event,
            retell_events.inbound_call,
            health.live,
            health.ready,
        ],
        lifespan=[lifespan],
        debug=False,
        request_max_body_size=1024 * 1024,
    )


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
