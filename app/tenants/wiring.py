"""Building one business's runtime from its config: calendar (Google with its own client and
credentials, or the local JSON calendar), mirror, sync, watch channels, reconciler and journal.

Each business owns its clients and background tasks (in its own exit stack), so a Google that
fails or is slow for one business costs the others nothing, and a business removed by a reload
is stopped on its own. The database, Redis and idempotency are shared; every row and key they
hold carries the business id.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import asyncpg
import structlog
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError

from agent_tools.business import Business
from agent_tools.busy import open_every_search
from agent_tools.errors import ConfigError
from agent_tools.ports import Deps, Memo, MessageDesk, NoMemo, NoMessageDesk
from app import reconciler
from app.db.appointments import PostgresAppointmentStore
from app.db.calendar_mirror import PostgresMirror
from app.db.history import STAFF, acting_as
from app.db.kept_answers import KeptAnswers
from app.db.operator_records import OperatorRecords
from app.db.span_cache import SpanCache
from app.db.supabase_store import SupabaseAppointmentStore
from app.google_channels import PushChannels
from app.google_sync import GoogleSync
from app.journal import Journal, ToolCallWriter
from app.outbox.events import channels_of
from app.settings import Settings, named_secret
from app.tenants.config import TenantConfig
from app.tenants.registry import Tenant
from app.tenants.spread import channel_ttl, start_delay
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.google_auth import load_credentials
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import Calendar

log = structlog.get_logger("frontdesk.tenants")


@dataclass(frozen=True)
class Shared:
    """What every business's runtime is built over."""

    settings: Settings
    store: PostgresAppointmentStore | SupabaseAppointmentStore
    pool: asyncpg.Pool | None
    clock: Callable[[], datetime]
    single_file: bool  # BUSINESS_CONFIG is one file: Google as configured by GOOGLE_* (as before)
    # The single file's credentials, parsed before serving (factory); None: local calendar.
    credentials: Credentials | None = None
    cache: SpanCache | None = None  # busy time in memory between changes (keys name the business)
    messages: MessageDesk = field(default_factory=NoMessageDesk)  # take_message (business-keyed)
    operator_records: OperatorRecords | None = None  # where each business's sends are set
    tool_calls: ToolCallWriter | None = None  # every business's tool-call records, batched


def directory_credentials(config: TenantConfig, settings: Settings) -> Credentials | None:
    """A business in a directory uses Google when its ``credentials_env`` variable is set;
    a key that cannot be read is a config error naming the file and the variable."""
    raw = named_secret(config.credentials_env)
    if raw is None:
        return None
    try:
        return load_credentials(raw, settings.google_impersonate)
    except (OSError, ValueError, GoogleAuthError) as error:
        problem = f"{type(error).__name__}: {error}".splitlines()[0]
        raise ConfigError(
            f"{config.source}: calendar.credentials_env: {config.credentials_env} cannot be "
            f"used ({problem})"
        ) from None


async def build_tenant(config: TenantConfig, shared: Shared, index: int = 0) -> Tenant:
    """The business's runtime with its background work started (staggered by ``index`` so
    hundreds of businesses do not all call Google in the same second)."""
    credentials = (
        shared.credentials if shared.single_file else directory_credentials(config, shared.settings)
    )
    await _keep_settings_in_postgres(config.business, shared)
    stack = AsyncExitStack()
    try:
        business, calendar, sync = await _open_calendar(config, shared, credentials, stack)
        deps = Deps(
            business=business,
            calendar=calendar,
            store=shared.store,
            clock=shared.clock,
            messages=shared.messages,
            memo=_memo(shared, business, calendar, sync),
        )
        journal = Journal(shared.store, business.id, shared.tool_calls)
        stack.push_async_callback(journal.drain)
        settings = shared.settings
        channels = _push_channels(sync, settings, business.id)
        delay = start_delay(index)
        if sync is not None:
            _start_google_sync(sync, channels, deps, settings, stack, delay=delay)
        background(
            stack,
            _after(
                delay,
                reconciler.run_forever(
                    shared.store,
                    calendar,
                    business,
                    every_seconds=settings.reconcile_every_seconds,
                    grace_seconds=settings.reconcile_grace_seconds,
                ),
                business.id,
            ),
        )
    except BaseException:
        await stack.aclose()
        raise
    operator_key = named_secret(config.operator_key_env) if config.operator_key_env else None
    return Tenant(config, deps, journal, sync, channels, stack, operator_key)


def _memo(shared: Shared, business: Business, calendar: Calendar, sync: GoogleSync | None) -> Memo:
    """Searches' answers are kept only where a version covers every input: our appointments
    in Postgres, and Google through its mirror, or a local calendar file by its change count."""
    if shared.cache is None:
        return NoMemo()
    if sync is not None:
        return KeptAnswers(shared.cache.version, business.id)
    if isinstance(calendar, LocalCalendar):
        return KeptAnswers(shared.cache.version, business.id, local=lambda: calendar.changes)
    return NoMemo()


async def _keep_settings_in_postgres(business: Business, shared: Shared) -> None:
    """What the database's own triggers need of the business (where its changes are sent, when
    its callers are reminded): set at start and on every reload."""
    records = shared.operator_records
    if records is None:
        return
    await records.call("fd_set_channels", {"p_business": business.id, "p": channels_of(business)})
    await records.call(
        "fd_set_reminders",
        {"p_business": business.id, "p_hours": list(business.notify.reminder_hours)},
    )


async def _open_calendar(
    config: TenantConfig,
    shared: Shared,
    credentials: Credentials | None,
    stack: AsyncExitStack,
) -> tuple[Business, Calendar, GoogleSync | None]:
    settings = shared.settings
    business = config.business
    if credentials is None:
        name = "local-calendar.json" if shared.single_file else f"local-calendar-{business.id}.json"
        local = LocalCalendar(settings.data_dir / name)
        stack.push_async_callback(local.aclose)
        return business, local, None
    if shared.single_file and settings.google_calendar_ids:
        business = _on_google(business, settings.google_calendar_ids)
    google = GoogleCalendar(
        credentials,
        base_url=settings.google_api_base_url,
        deadline_seconds=settings.google_deadline_seconds,
        zone=business.timezone,
    )
    stack.push_async_callback(google.aclose)
    if shared.pool is None:  # the mirror and push need a direct database connection
        return business, google, None
    pool = shared.pool
    mirror = PostgresMirror(pool, business.id, settings.google_mirror_fresh_seconds, shared.cache)
    google.mirror = mirror
    return (
        business,
        google,
        GoogleSync(google, mirror, shared.store, business, as_staff=lambda: acting_as(pool, STAFF)),
    )


def _on_google(business: Business, calendar_ids: tuple[str, ...]) -> Business:
    """GOOGLE_CALENDAR_ID (a single file only) names the business calendar (bookings go there)
    and any others whose events make it busy. With [[staff]], bookings go to each person's
    calendar, and every calendar named here is busy time for everyone (closures, team events)."""
    if business.staff:
        return replace(business, extra_busy_calendars=calendar_ids)
    return replace(business, calendar_id=calendar_ids[0], extra_busy_calendars=calendar_ids[1:])


def _push_channels(
    sync: GoogleSync | None, settings: Settings, business_id: str
) -> PushChannels | None:
    """Push channels, when Google can reach us (``PUBLIC_BASE_URL``); each business's channels
    live a slightly different time, so renewals spread out instead of coming all at once."""
    if sync is None or not settings.public_base_url:
        return None
    return PushChannels(
        sync.google,
        sync.mirror,
        sync.calendar_ids,
        on_change=sync.sync_soon,
        public_base_url=settings.public_base_url,
        ttl_seconds=channel_ttl(settings.google_channel_ttl_seconds, business_id),
    )


def _start_google_sync(
    sync: GoogleSync,
    channels: PushChannels | None,
    deps: Deps,
    settings: Settings,
    stack: AsyncExitStack,
    *,
    delay: float,
) -> None:
    """In the background, so a Google that is down delays nothing: the safety poll (its first
    pass fills the mirror, then the searches are opened once) and the push channels (opened
    with backoff until Google answers)."""
    business_id = deps.business.id
    if channels is not None:
        stack.push_async_callback(channels.close)
        background(stack, _after(delay, channels.keep_open(), business_id))
    stack.push_async_callback(sync.drain)
    every = settings.google_poll_seconds
    background(stack, _after(delay, _synced_and_warm(sync, deps, every), business_id))


async def _synced_and_warm(sync: GoogleSync, deps: Deps, every_seconds: float) -> None:
    """The first sync, then every search of the business opened once, so its first caller
    does not wait for its busy time to be read (a cold read of 200 businesses was the tail of
    bench.load's searches: docs/operations.md); then the safety poll."""
    await sync.sync_all()
    began = time.perf_counter()
    try:
        await open_every_search(deps)
    except Exception as error:  # a Google or database away now: the first search reads itself
        log.warning("searches.warm_failed", error=type(error).__name__)
    else:
        log.info("searches.warmed", duration_ms=round((time.perf_counter() - began) * 1000, 1))
    await asyncio.sleep(every_seconds)
    await sync.poll_forever(every_seconds)


async def _after(delay: float, work: Any, business_id: str) -> None:
    """``work`` after ``delay``, its log lines naming the business (this task's own context)."""
    structlog.contextvars.bind_contextvars(business=business_id)
    try:
        if delay > 0:
            await asyncio.sleep(delay)
    except asyncio.CancelledError:
        work.close()  # never started: no "coroutine was never awaited" warning
        raise
    await work


def background(stack: AsyncExitStack, work: Any) -> None:
    task = asyncio.create_task(work)
    stack.push_async_callback(_stop, task)


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
