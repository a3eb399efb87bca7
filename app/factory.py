"""The composition root: builds settings, logging, database, calendar, idempotency, sync and
the reconciler once, and closes them in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import structlog
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from litestar import Litestar
from litestar.di import Provide
from redis.asyncio import Redis

from agent_tools.business import Business
from agent_tools.ports import Deps
from app import reconciler, unexpected
from app.business_config import load_business
from app.config_schema import zone_warning
from app.console import routes as console
from app.db import supabase_store
from app.db.appointments import PostgresAppointmentStore, create_pool
from app.db.calendar_mirror import PostgresMirror
from app.db.change_feed import ChangeFeed
from app.db.embedded import start_embedded_postgres
from app.db.history import STAFF, acting_as
from app.db.messages import SqlMessageDesk
from app.db.migrations import apply_migrations
from app.db.operator_records import OperatorRecords
from app.db.phone_backfill import normalise_stored_phones
from app.db.span_cache import SpanCache
from app.db.supabase_store import SupabaseAppointmentStore
from app.google_channels import PushChannels
from app.google_sync import GoogleSync
from app.guards import app_state
from app.idempotency import DurableTier, FastTier
from app.idempotency.guard import IdempotencyGuard
from app.idempotency.memory import MemoryTier
from app.idempotency.records import PostgresRecords, SupabaseRecords
from app.idempotency.redis_tier import RedisTier
from app.journal import Journal
from app.limits import request_limits
from app.metrics import COMPONENTS
from app.middleware import request_context
from app.outbox.deliver import Deliverer
from app.outbox.email import Mailer
from app.outbox.events import channels_of
from app.outbox.sms import Texter
from app.rate_limit import RateLimiter, trusted_networks
from app.replay import SeenSignatures
from app.routes import google as google_routes
from app.routes import health, operator, operator_outbox, retell, retell_events, twilio_sms
from app.settings import Settings, SettingsError
from app.state import AppState
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import Calendar

log = structlog.get_logger("frontdesk")


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Litestar:
    settings.validate()
    configured = load_business(settings.business_config)  # fail fast, before serving
    warning = zone_warning(configured.timezone, clock().year)
    if warning:
        log.warning("config.timezone_without_dst", detail=warning)
    credentials = _google_credentials(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if not settings.retell_api_key:
                log.warning("webhooks.unsigned", detail="ALLOW_UNSIGNED_WEBHOOKS is on: demo only")
            db = await _open_database(settings, configured, stack)
            business, calendar, google_sync = await _open_calendar(
                settings, configured, credentials, db, stack
            )
            channels = _push_channels(google_sync, settings)
            fast = _fast_tier(settings)
            stack.push_async_callback(fast.aclose)
            await db.operator_records.call(
                "fd_set_channels", {"p_business": business.id, "p": channels_of(business)}
            )
            await db.operator_records.call(
                "fd_set_reminders",
                {"p_business": business.id, "p_hours": list(business.notify.reminder_hours)},
            )
            desk = SqlMessageDesk(db.operator_records)
            deps = Deps(
                business=business, calendar=calendar, store=db.store, clock=clock, messages=desk
            )
            journal = Journal(db.store, business.id)
            stack.push_async_callback(journal.drain)
            seen = SeenSignatures(
                Redis.from_url(settings.redis_url, socket_timeout=0.25)
                if settings.redis_url
                else None,
                db.pool,
            )
            stack.push_async_callback(seen.aclose)
            COMPONENTS.google = calendar if isinstance(calendar, GoogleCalendar) else None
            COMPONENTS.sync = google_sync
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
                deps=deps,
                idempotency=IdempotencyGuard(fast, db.durable, settings.idempotency_wait_seconds),
                journal=journal,
                google_sync=google_sync,
                push_channels=channels,
            )
            if google_sync is not None:
                _start_google_sync(google_sync, channels, settings, stack)
            deliverer = _outbox(db, settings, business, stack)
            _background(stack, deliverer.run_forever(settings.outbox_every_seconds))
            _background(
                stack,
                reconciler.run_forever(
                    db.store,
                    calendar,
                    business,
                    every_seconds=settings.reconcile_every_seconds,
                    grace_seconds=settings.reconcile_grace_seconds,
                ),
            )
            log.info(
                "app.started",
                url=f"http://{settings.host}:{settings.port}",
                business=business.id,
                database=db.kind,
                calendar="google" if settings.google_calendar_ids else "local",
                idempotency="redis" if settings.redis_url else "in-process",
            )
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
        exception_handlers=unexpected.HANDLERS,
        logging_config=None,  # app.logging configures logging; Litestar's default logs at INFO
        middleware=[request_context, request_limits(settings.body_timeout_seconds)],
        dependencies={"frontdesk": Provide(app_state, sync_to_thread=False)},
        openapi_config=None,  # one document, the public contract: GET /openapi.json (app.openapi)
        debug=False,
        request_max_body_size=1024 * 1024,
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
    settings: Settings, business: Business, stack: AsyncExitStack
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
    pool = await create_pool(url, statement_cache=settings.statement_cache)
    stack.push_async_callback(pool.close)
    async with pool.acquire() as connection:
        await apply_migrations(connection, settings.migrations_dir)
        await normalise_stored_phones(connection, business.id, business.country)
    kind = "postgres" if settings.database_url else "embedded"
    cache = await _span_cache(settings, url, stack)
    return _Database(
        kind,
        pool,
        PostgresAppointmentStore(pool, cache),
        PostgresRecords(pool),
        OperatorRecords.over_pool(pool),
        cache,
    )


async def _span_cache(settings: Settings, url: str, stack: AsyncExitStack) -> SpanCache | None:
    """Busy time kept in memory between changes, told of them by Postgres (LISTEN). Not behind
    a pooler in transaction mode (STATEMENT_CACHE=false), which does not deliver them."""
    if not settings.statement_cache:
        return None
    feed = ChangeFeed(url)
    await feed.start()
    stack.push_async_callback(feed.aclose)
    return SpanCache(feed)


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


async def _open_calendar(
    settings: Settings,
    business: Business,
    credentials: Credentials | None,
    db: _Database,
    stack: AsyncExitStack,
) -> tuple[Business, Calendar, GoogleSync | None]:
    if credentials is None:
        local = LocalCalendar(settings.data_dir / "local-calendar.json")
        stack.push_async_callback(local.aclose)
        return business, local, None
    business = _on_google(business, settings.google_calendar_ids)
    google = GoogleCalendar(
        credentials,
        base_url=settings.google_api_base_url,
        deadline_seconds=settings.google_deadline_seconds,
        zone=business.timezone,
    )
    stack.push_async_callback(google.aclose)
    if db.pool is None:  # the mirror and push need a direct database connection
        return business, google, None
    pool = db.pool
    mirror = PostgresMirror(pool, business.id, settings.google_mirror_fresh_seconds, db.cache)
    google.mirror = mirror
    return (
        business,
        google,
        GoogleSync(google, mirror, db.store, business, as_staff=lambda: acting_as(pool, STAFF)),
    )


def _fast_tier(settings: Settings) -> FastTier:
    if settings.redis_url:
        return RedisTier.from_url(
            settings.redis_url,
            settings.idempotency_ttl_seconds,
            settings.idempotency_inflight_seconds,
        )
    return MemoryTier(settings.idempotency_ttl_seconds, settings.idempotency_inflight_seconds)


def _push_channels(sync: GoogleSync | None, settings: Settings) -> PushChannels | None:
    """Push channels, when Google can reach us (``PUBLIC_BASE_URL``)."""
    if sync is None or not settings.public_base_url:
        return None
    return PushChannels(
        sync.google,
        sync.mirror,
        sync.calendar_ids,
        on_change=sync.sync_soon,
        public_base_url=settings.public_base_url,
        ttl_seconds=settings.google_channel_ttl_seconds,
    )


def _start_google_sync(
    sync: GoogleSync, channels: PushChannels | None, settings: Settings, stack: AsyncExitStack
) -> None:
    """In the background, so a Google that is down delays nothing: the safety poll (its first
    pass fills the mirror) and the push channels (opened with backoff until Google answers)."""
    if channels is not None:
        stack.push_async_callback(channels.close)
        _background(stack, channels.keep_open())
    stack.push_async_callback(sync.drain)
    _background(stack, sync.poll_forever(settings.google_poll_seconds))


def _outbox(
    db: _Database, settings: Settings, business: Business, stack: AsyncExitStack
) -> Deliverer:
    """The sends of every instance's changes, delivered by whichever instance is free."""
    http = httpx.AsyncClient(timeout=10.0, follow_redirects=False)
    stack.push_async_callback(http.aclose)
    mailer = Mailer(settings.smtp_url, settings.email_from)
    businesses = {business.id: business}
    return Deliverer(db.operator_records, http, Texter(settings), businesses, mailer=mailer)


def _background(stack: AsyncExitStack, work: Any) -> None:
    task = asyncio.create_task(work)
    stack.push_async_callback(_stop, task)


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _on_google(business: Business, calendar_ids: tuple[str, ...]) -> Business:
    """GOOGLE_CALENDAR_ID names the business calendar (bookings go there) and any others whose
    events make it busy. With [[staff]], bookings go to each person's calendar, and every
    calendar named here is busy time for everyone (closures, team events)."""
    if business.staff:
        return replace(business, extra_busy_calendars=calendar_ids)
    return replace(business, calendar_id=calendar_ids[0], extra_busy_calendars=calendar_ids[1:])
