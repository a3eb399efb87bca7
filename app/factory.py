"""The composition root: builds settings, logging, database, calendar, idempotency, sync and
the reconciler once, and closes them in reverse order."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import httpx
import structlog
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from litestar import Litestar
from litestar.di import Provide
from redis.asyncio import Redis

from agent_tools.business import Business
from app import unexpected
from app.config_schema import zone_warning
from app.console import routes as console
from app.db import supabase_store
from app.db.appointments import PostgresAppointmentStore, create_pool
from app.db.embedded import start_embedded_postgres
from app.db.messages import SqlMessageDesk
from app.db.migrations import apply_migrations
from app.db.operator_records import OperatorRecords
from app.db.phone_backfill import normalise_stored_phones
from app.db.span_cache import SpanCache
from app.db.supabase_store import SupabaseAppointmentStore
from app.db.versions import VersionReader, postgres_versions
from app.guards import app_state
from app.heap import settle_heap
from app.idempotency import DurableTier, FastTier
from app.idempotency.guard import IdempotencyGuard
from app.idempotency.memory import MemoryTier
from app.idempotency.records import PostgresRecords, SupabaseRecords
from app.idempotency.redis_tier import RedisTier
from app.journal import ToolCallWriter
from app.metrics import COMPONENTS
from app.middleware import edge
from app.outbox.deliver import Deliverer
from app.outbox.email import Mailer
from app.outbox.sms import Texter
from app.rate_limit import RateLimiter, trusted_networks
from app.replay import SeenSignatures
from app.routes import google as google_routes
from app.routes import (
    health,
    operator,
    operator_outbox,
    reload,
    retell,
    retell_events,
    routed,
    twilio_sms,
)
from app.routes.raw_http import MAX_BODY_BYTES
from app.settings import Settings, SettingsError
from app.state import AppState
from app.tenants.config import TenantConfig, load_tenants
from app.tenants.host import ServedBusinesses, TenantHost
from app.tenants.wiring import Shared, background, directory_credentials
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials

log = structlog.get_logger("frontdesk")


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Litestar:
    settings.validate()
    configs = load_tenants(settings.business_config)  # fail fast, before serving
    for config in configs:
        warning = zone_warning(config.business.timezone, clock().year)
        if warning:
            log.warning("config.timezone_without_dst", business=config.business.id, detail=warning)
    single_file = not settings.business_config.is_dir()
    credentials = _google_credentials(settings) if single_file else None
    if not single_file and settings.google_calendar_ids:
        log.warning(
            "config.google_calendar_id_ignored",
            detail="BUSINESS_CONFIG is a directory: each business names its calendar in its file",
        )
    for config in configs if not single_file else ():
        directory_credentials(config, settings)  # a key that cannot be read: refuse to start

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if not settings.retell_api_key:
                log.warning("webhooks.unsigned", detail="ALLOW_UNSIGNED_WEBHOOKS is on: demo only")
            db = await _open_database(settings, configs, stack)
            shared = Shared(
                settings,
                db.store,
                db.pool,
                clock,
                single_file,
                credentials,
                cache=db.cache,
                messages=SqlMessageDesk(db.operator_records),
                operator_records=db.operator_records,
                tool_calls=ToolCallWriter(db.store),
            )
            host = await TenantHost.start(shared, settings.business_config, configs)
            stack.push_async_callback(host.aclose)
            host.listen_for_sighup()
            fast = _fast_tier(settings)
            stack.push_async_callback(fast.aclose)
            seen = SeenSignatures(
                Redis.from_url(settings.redis_url, socket_timeout=0.25)
                if settings.redis_url
                else None,
                db.pool,
            )
            stack.push_async_callback(seen.aclose)
            # The sends of every business's messages, delivered by whichever instance is free.
            deliverer = _outbox(db, settings, ServedBusinesses(host), stack)
            background(stack, deliverer.run_forever(settings.outbox_every_seconds))
            first = host.current.first
            COMPONENTS.sources = lambda: [
                (
                    t.id,
                    t.deps.calendar if isinstance(t.deps.calendar, GoogleCalendar) else None,
                    t.google_sync,
                )
                for t in host.current
            ]
            app.state.frontdesk = AppState(
                settings=settings,
                seen_signatures=seen,
                operator_records=db.operator_records,
                limiter=RateLimiter(
                    settings.rate_limit_per_minute,
                    settings.refused_limit_per_minute,
                    trusted_networks(settings.trusted_proxies),
                ),
                pool=db.pool,
                host=host,
                idempotency=IdempotencyGuard(fast, db.durable, settings.idempotency_wait_seconds),
            )
            log.info(
                "app.started",
                url=f"http://{settings.host}:{settings.port}",
                business=first.id if single_file else None,
                businesses=len(host.current),
                database=db.kind,
                calendar="google" if first.google_sync or credentials else "local",
                idempotency="redis" if settings.redis_url else "in-process",
            )
            settle_heap()
            yield

    return Litestar(
        route_handlers=[
            retell.tool_call,
            retell.tool_call_args_only,
            retell_events.call_event,
            retell_events.inbound_call,
            google_routes.notification,
            operator.day_appointments,
            operator.call_trace,
            operator.resync,
            operator.find_calls,
            operator.appointment_history,
            reload.reload_businesses,
            operator_outbox.outbox_backlog,
            twilio_sms.inbound_sms,
            health.metrics,
            health.openapi,
            health.live,
            health.ready,
            console.ROUTER,
            console.STATIC,
        ],
        template_config=console.TEMPLATES,
        lifespan=[lifespan],
        exception_handlers={
            **unexpected.HANDLERS,
            routed.UnknownBusinessError: routed.unknown_business,
        },
        logging_config=None,  # app.logging configures logging; Litestar's default logs at INFO
        middleware=[edge(settings.body_timeout_seconds)],
        dependencies={"frontdesk": Provide(app_state, sync_to_thread=False)},
        openapi_config=None,  # one document, the public contract: GET /openapi.json (app.openapi)
        debug=False,
        request_max_body_size=MAX_BODY_BYTES,
    )


@dataclass(frozen=True)
class _Database:
    kind: str
    pool: asyncpg.Pool | None
    store: PostgresAppointmentStore | SupabaseAppointmentStore
    durable: DurableTier
    operator_records: OperatorRecords
    cache: SpanCache | None = None


async def _open_database(
    settings: Settings, configs: Sequence[TenantConfig], stack: AsyncExitStack
) -> _Database:
    """Supabase's HTTP API when only it is configured; else Postgres (given, or embedded)."""
    if settings.supabase_url and settings.supabase_service_key and not settings.database_url:
        client = await supabase_store.connect(settings.supabase_url, settings.supabase_service_key)
        store = SupabaseAppointmentStore(client)
        return _Database(
            "supabase-api",
            None,
            store,
            SupabaseRecords(client),
            OperatorRecords.over_supabase(store.call),
        )
    url = settings.database_url
    if url is None:
        embedded = await start_embedded_postgres(settings.data_dir)
        stack.push_async_callback(embedded.stop)
        url = embedded.uri
    pool = await create_pool(
        url, statement_cache=settings.statement_cache, max_size=settings.database_pool_max
    )
    stack.push_async_callback(pool.close)
    async with pool.acquire() as connection:
        await apply_migrations(connection, settings.migrations_dir)
        for config in configs:
            business = config.business
            await normalise_stored_phones(connection, business.id, business.country)
        # The pool resets nothing on release (app/db/appointments.py); a migration might set.
        await connection.reset()
    kind = "postgres" if settings.database_url else "embedded"
    cache = _span_cache(pool, len(configs))
    stack.push_async_callback(cache.aclose)  # before the pool closes: its reads ahead use it
    return _Database(
        kind,
        pool,
        PostgresAppointmentStore(pool, cache),
        PostgresRecords(pool),
        OperatorRecords.over_pool(pool),
        cache,
    )


def _span_cache(pool: asyncpg.Pool, businesses: int) -> SpanCache:
    """Busy time kept in memory while each business's data version is unchanged."""

    # Room for a few searches' worth per business: a full cache starts over empty.
    return SpanCache(VersionReader(postgres_versions(pool)).read, size=max(1024, 16 * businesses))


def _google_credentials(settings: Settings) -> Credentials | None:
    """Parsed before serving: a key that cannot be read is a clear line at start, while a key
    Google refuses (or a Google that cannot be reached) lets the server start degraded."""
    if not settings.google_calendar_ids:
        return None
    try:
        return load_credentials(settings.google_credentials or "", settings.google_impersonate)
    except (OSError, ValueError, GoogleAuthError) as error:
        problem = f"{type(error).__name__}: {error}".splitlines()[0]
        raise SettingsError(f"GOOGLE_CREDENTIALS: cannot be used ({problem})") from None


def _fast_tier(settings: Settings) -> FastTier:
    if settings.redis_url:
        return RedisTier.from_url(
            settings.redis_url,
            settings.idempotency_ttl_seconds,
            settings.idempotency_inflight_seconds,
        )
    return MemoryTier(settings.idempotency_ttl_seconds, settings.idempotency_inflight_seconds)


def _outbox(
    db: _Database, settings: Settings, businesses: Mapping[str, Business], stack: AsyncExitStack
) -> Deliverer:
    """The sends of every instance's changes, delivered by whichever instance is free, for
    every business served (``businesses`` follows reloads)."""
    http = httpx.AsyncClient(timeout=10.0, follow_redirects=False)
    stack.push_async_callback(http.aclose)
    mailer = Mailer(settings.smtp_url, settings.email_from)
    return Deliverer(db.operator_records, http, Texter(settings), businesses, mailer=mailer)
