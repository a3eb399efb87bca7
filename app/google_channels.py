"""Google push channels: one per calendar per instance, so staff edits reach us in seconds.

Opening runs in the background: a Google that cannot be reached at start (or refuses our
token) is retried with backoff (at most 30 s apart) until every calendar has a channel, so the
server starts anyway and push comes back by itself. Channels are renewed 12 hours before they
expire and stopped at shutdown. A notification names a channel and carries its token; the sync
that follows is the caller's (``on_change``).
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter
from tenacity.wait import wait_base

from agent_tools.ports import StoreUnavailableError
from app.db.calendar_mirror import PostgresMirror
from calendar_adapter.google import GoogleCalendar
from calendar_adapter.protocol import CalendarUnavailableError

log = structlog.get_logger("frontdesk.google_channels")

RENEW_BEFORE = timedelta(hours=12)
# Named retry policy: reopening channels after a failure, 1 s doubling to 30 s, jittered.
REOPEN_WAIT = wait_exponential_jitter(initial=1, max=30, jitter=1)
RECHECK_SECONDS = 600.0


class UnknownChannelError(Exception):
    """A notification for a channel we do not know (or that expired)."""


class WrongChannelTokenError(Exception):
    """A notification for a known channel with the wrong token."""


class _ChannelsMissingError(Exception):
    """Some calendar has no open channel yet."""


@dataclass
class _OurChannel:
    channel_id: str
    calendar_id: str
    resource_id: str
    expires_at: datetime


class PushChannels:
    def __init__(
        self,
        google: GoogleCalendar,
        mirror: PostgresMirror,
        calendar_ids: list[str],
        *,
        on_change: Callable[[str], None],
        public_base_url: str,
        ttl_seconds: int,
        reopen_wait: wait_base = REOPEN_WAIT,
    ) -> None:
        self.google = google
        self.mirror = mirror
        self._calendar_ids = calendar_ids
        self._on_change = on_change
        self._address = public_base_url.rstrip("/") + "/google/notifications"
        self._ttl = ttl_seconds
        self._reopen_wait = reopen_wait
        self._channels: list[_OurChannel] = []

    async def notified(self, channel_id: str, token: str, state: str) -> None:
        """Check a notification; a change (not the "sync" that confirms a new channel) starts
        a sync. :class:`UnknownChannelError` / :class:`WrongChannelTokenError` otherwise."""
        known = await self.mirror.channel(channel_id)
        if known is None:
            raise UnknownChannelError(channel_id)
        if not hmac.compare_digest(known.token.encode(), token.encode()):
            raise WrongChannelTokenError(channel_id)
        if state != "sync":
            self._on_change(known.calendar_id)

    def missing(self) -> list[str]:
        """Calendars without a live channel from this instance."""
        now = datetime.now(UTC)
        covered = {c.calendar_id for c in self._channels if c.expires_at > now}
        return [c for c in self._calendar_ids if c not in covered]

    async def keep_open(self, recheck_seconds: float = RECHECK_SECONDS) -> None:
        """Forever: open what is missing (with backoff until it works), then renew."""
        while True:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(_ChannelsMissingError),
                wait=self._reopen_wait,
                reraise=True,
            ):
                with attempt:
                    await self.open_missing()
            await asyncio.sleep(recheck_seconds)
            await self.renew()

    async def open_missing(self) -> None:
        for calendar_id in self.missing():
            await self._open(calendar_id)
        if self.missing():
            raise _ChannelsMissingError(self.missing())

    async def renew(self) -> None:
        for channel in list(self._channels):
            expiring = channel.expires_at - datetime.now(UTC) < RENEW_BEFORE
            if expiring and await self._open(channel.calendar_id):
                await self._close(channel)

    async def close(self) -> None:
        for channel in list(self._channels):
            await self._close(channel)

    async def _open(self, calendar_id: str) -> bool:
        channel_id = "fd-" + secrets.token_hex(12)
        token = secrets.token_urlsafe(32)
        try:
            opened = await self.google.watch(
                calendar_id, channel_id, token, self._address, self._ttl
            )
            await self.mirror.keep_channel(
                channel_id, calendar_id, opened.resource_id, token, opened.expires_at
            )
        except (CalendarUnavailableError, StoreUnavailableError) as error:
            log.warning("google.watch_failed", calendar_id=calendar_id, error=str(error))
            return False
        except Exception:
            log.exception("google.watch_failed", calendar_id=calendar_id)
            return False
        self._channels.append(
            _OurChannel(channel_id, calendar_id, opened.resource_id, opened.expires_at)
        )
        log.info(
            "google.channel_opened",
            calendar_id=calendar_id,
            expires_at=opened.expires_at.isoformat(),
        )
        self._on_change(calendar_id)  # what changed while no channel was open, fetched now
        return True

    async def _close(self, channel: _OurChannel) -> None:
        self._channels.remove(channel)
        try:
            await self.google.stop_channel(channel.channel_id, channel.resource_id)
        except CalendarUnavailableError:
            log.warning("google.channel_stop_failed", channel_id=channel.channel_id)
        try:
            await self.mirror.forget_channel(channel.channel_id)
        except StoreUnavailableError:
            log.warning("google.channel_forget_failed", channel_id=channel.channel_id)
