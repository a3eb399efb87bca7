"""Google Calendar v3, behind the Calendar protocol.

Requests are built by google-api-python-client from its bundled discovery document (so they are
the official shapes) and sent with aiohttp, so no thread blocks the event loop on the network.
aiohttp rather than httpx: under concurrent requests httpx 0.28 / httpcore 1.0 spent about 1 ms
of CPU a request on its pool's bookkeeping, aiohttp about 0.1 ms (docs/operations.md).
Transient failures (429, rate-limit 403s, 5xx, connection errors) are retried with jittered
exponential backoff inside an overall deadline that fits a live call; past it the caller hears
``calendar_unavailable`` instead of silence.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from typing import Any, Protocol

import aiohttp
import certifi
import httplib2
import structlog
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from googleapiclient.discovery import build
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from calendar_adapter.protocol import (
    BusyByCalendar,
    CalendarUnavailableError,
    NewEvent,
)

log = structlog.get_logger("frontdesk.google")

APPOINTMENT_TAG = "frontdesk_appointment"
_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_FREEBUSY_CHUNK = timedelta(days=85)  # Google refuses ranges much over 90 days
_FREEBUSY_CALENDARS = 50  # and more calendars than calendarExpansionMax (50) in one query
# Requests to Google at once, per business: the rest wait for a connection within their
# deadline. Google allows 600 requests a minute per user; ten at 100 ms each carry 100 a second.
CONCURRENT_REQUESTS = 10


class SyncTokenExpiredError(Exception):
    """410 on an incremental list: drop the local copy and sync from scratch."""


class TokenRefusedError(CalendarUnavailableError):
    """Google's token endpoint could not be reached or refused our credentials."""


class _TransientError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class BusyMirror(Protocol):
    """A local copy of the calendars' busy time, kept current by sync (app.google_sync)."""

    async def busy(
        self, calendar_ids: Sequence[str], start: datetime, end: datetime
    ) -> BusyByCalendar | None:
        """The spans per calendar, or None when the copy is not fresh enough to trust."""
        ...


@dataclass(frozen=True, slots=True)
class EventChange:
    """One event from events.list, reduced to what sync needs."""

    event_id: str
    cancelled: bool
    start: datetime | None
    end: datetime | None
    busy: bool
    appointment_id: str | None


@dataclass(frozen=True, slots=True)
class Channel:
    channel_id: str
    resource_id: str
    token: str
    expires_at: datetime


def api_endpoint(base_url: str) -> str:
    return base_url.rstrip("/") + "/calendar/v3/"


class GoogleCalendar:
    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = "https://www.googleapis.com/",
        deadline_seconds: float = 4.0,
        attempts: int = 4,
        mirror: BusyMirror | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        self._credentials = credentials
        service = build(
            "calendar",
            "v3",
            http=httplib2.Http(),
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": api_endpoint(base_url)},
        )
        # Each resource built once: building one writes every method's docstring (measured
        # at ~5% of a mixed find/book load when rebuilt per request).
        self._events = service.events()
        self._channels = service.channels()
        self._freebusy = service.freebusy()
        self._http: aiohttp.ClientSession | None = None  # opened by the first request
        self._deadline = deadline_seconds
        self._attempts = attempts
        self._token_lock = asyncio.Lock()
        self.mirror = mirror
        self._zone = zone  # all-day events span the business's local day
        # Counters for metrics and benchmarks: requests sent (retries included), retries,
        # operations that failed for good.
        self.requests = 0
        self.retries = 0
        self.failures = 0

    # -- the Calendar protocol ---------------------------------------------------------------

    async def busy(
        self, calendar_ids: Sequence[str], start: datetime, end: datetime, *, live: bool = False
    ) -> BusyByCalendar:
        if not live and self.mirror is not None:
            mirrored = await self.mirror.busy(calendar_ids, start, end)
            if mirrored is not None:
                return mirrored
        ids = list(dict.fromkeys(calendar_ids))
        chunks = []
        chunk_start = start
        while chunk_start < end:  # Google's limits: ~90 days and 50 calendars per request
            chunk_end = min(end, chunk_start + _FREEBUSY_CHUNK)
            for first in range(0, len(ids), _FREEBUSY_CALENDARS):
                some = ids[first : first + _FREEBUSY_CALENDARS]
                chunks.append(self._free_busy(some, chunk_start, chunk_end))
            chunk_start = chunk_end
        busy: BusyByCalendar = {calendar_id: [] for calendar_id in ids}
        for found in await asyncio.gather(*chunks):
            for calendar_id, spans in found.items():
                busy.setdefault(calendar_id, []).extend(spans)
        return busy

    async def create_event(self, calendar_id: str, event: NewEvent) -> None:
        body = {
            "id": event.event_id,
            "summary": event.summary,
            "description": event.description,
            "start": {"dateTime": event.start.isoformat()},
            "end": {"dateTime": event.end.isoformat()},
            "extendedProperties": {"private": {APPOINTMENT_TAG: event.appointment_id}},
        }
        request = self._events.insert(calendarId=calendar_id, body=body, sendUpdates="none")
        status, _ = await self._send(request, accept=(409,))
        if status != 409:
            return
        # The id exists: maybe our own earlier attempt, maybe deleted since. Confirm it.
        existing = await self._get(calendar_id, event.event_id)
        if existing is None or existing.get("status") == "cancelled":
            revive = {"status": "confirmed", "start": body["start"], "end": body["end"]}
            await self._send(
                self._events.patch(
                    calendarId=calendar_id, eventId=event.event_id, body=revive, sendUpdates="none"
                )
            )

    async def move_event(
        self, calendar_id: str, event_id: str, start: datetime, end: datetime
    ) -> None:
        body = {"start": {"dateTime": start.isoformat()}, "end": {"dateTime": end.isoformat()}}
        request = self._events.patch(
            calendarId=calendar_id, eventId=event_id, body=body, sendUpdates="none"
        )
        status, _ = await self._send(request, accept=(404, 410))
        if status in (404, 410):
            raise LookupError(event_id)

    async def delete_event(self, calendar_id: str, event_id: str) -> None:
        request = self._events.delete(calendarId=calendar_id, eventId=event_id, sendUpdates="none")
        await self._send(request, accept=(404, 410))  # already gone is a success

    async def event_times(
        self, calendar_id: str, event_id: str
    ) -> tuple[datetime, datetime] | None:
        event = await self._get(calendar_id, event_id)
        if event is None or event.get("status") == "cancelled":
            return None
        change = parse_event(event, self._zone)
        if change.start is None or change.end is None:
            return None
        return change.start, change.end

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()

    # -- sync and push ----------------------------------------------------------------------

    async def list_changes(
        self, calendar_id: str, sync_token: str | None, time_min: datetime
    ) -> tuple[list[EventChange], str]:
        """All changes since ``sync_token`` (or every event from ``time_min`` when None), over
        every page; returns them with the next sync token."""
        changes: list[EventChange] = []
        page_token = None
        while True:
            params: dict[str, Any] = {
                "calendarId": calendar_id,
                "singleEvents": True,
                "showDeleted": True,
                "maxResults": 250,
                "pageToken": page_token,
            }
            if sync_token:
                params["syncToken"] = sync_token
            else:
                params["timeMin"] = time_min.isoformat()
            status, page = await self._send(self._events.list(**params), accept=(410,))
            if status == 410:
                raise SyncTokenExpiredError(calendar_id)
            changes.extend(parse_event(item, self._zone) for item in page.get("items", []))
            page_token = page.get("nextPageToken")
            if not page_token:
                return changes, str(page["nextSyncToken"])

    async def watch(
        self, calendar_id: str, channel_id: str, token: str, address: str, ttl_seconds: int
    ) -> Channel:
        body = {
            "id": channel_id,
            "type": "web_hook",
            "address": address,
            "token": token,
            "params": {"ttl": str(ttl_seconds)},
        }
        _, answer = await self._send(self._events.watch(calendarId=calendar_id, body=body))
        expires = datetime.fromtimestamp(int(answer["expiration"]) / 1000, UTC)
        return Channel(channel_id, answer["resourceId"], token, expires)

    async def stop_channel(self, channel_id: str, resource_id: str) -> None:
        request = self._channels.stop(body={"id": channel_id, "resourceId": resource_id})
        await self._send(request, accept=(404,))

    # -- HTTP -------------------------------------------------------------------------------

    async def _free_busy(
        self, calendar_ids: Sequence[str], start: datetime, end: datetime
    ) -> BusyByCalendar:
        body = {
            "timeMin": start.astimezone(UTC).isoformat(),
            "timeMax": end.astimezone(UTC).isoformat(),
            "items": [{"id": c} for c in calendar_ids],
        }
        _, answer = await self._send(self._freebusy.query(body=body))
        spans: BusyByCalendar = {}
        for calendar_id, found in answer.get("calendars", {}).items():
            if found.get("errors"):
                # A calendar we cannot read might be full: offering its times would be a lie.
                reasons = [e.get("reason") for e in found["errors"]]
                log.warning("google.freebusy_error", calendar_id=calendar_id, reasons=reasons)
                raise CalendarUnavailableError(f"{calendar_id}: {reasons}")
            spans[calendar_id] = [
                (_seconds(b["start"]), _seconds(b["end"])) for b in found.get("busy", [])
            ]
        return spans

    async def _get(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        status, event = await self._send(
            self._events.get(calendarId=calendar_id, eventId=event_id),
            accept=(404, 410),
        )
        return None if status in (404, 410) else event

    async def _send(self, request: Any, accept: tuple[int, ...] = ()) -> tuple[int, Any]:
        """Send a built request; (status, JSON) for 2xx and ``accept``ed statuses."""
        try:
            async with asyncio.timeout(self._deadline):
                async for attempt in AsyncRetrying(
                    retry=retry_if_exception_type((_TransientError, aiohttp.ClientError)),
                    wait=wait_exponential_jitter(multiplier=0.1, max=1.0, jitter=0.1),
                    stop=stop_after_attempt(self._attempts),
                    before_sleep=self._retrying,
                    reraise=True,
                ):
                    with attempt:
                        return await self._once(request, accept)
        except (TimeoutError, _TransientError, aiohttp.ClientError) as error:
            self.failures += 1
            raise CalendarUnavailableError(type(error).__name__) from error
        except CalendarUnavailableError:
            self.failures += 1
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _retrying(self, state: Any) -> None:
        self.retries += 1
        outcome = state.outcome.exception() if state.outcome else None
        log.warning("google.retry", attempt=state.attempt_number, error=repr(outcome))

    async def _once(self, request: Any, accept: tuple[int, ...]) -> tuple[int, Any]:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "accept-encoding"}
        headers["authorization"] = f"Bearer {await self._token()}"
        self.requests += 1
        async with self._session().request(
            request.method, request.uri, data=request.body, headers=headers
        ) as response:
            status, content = response.status, await response.read()
        if status == 429 or status >= 500 or (status == 403 and _rate_limited(content)):
            raise _TransientError(status)
        if status == 401:  # the token was revoked or expired early: refresh once and retry
            self._credentials.token = None
            raise _TransientError(status)
        if status >= 400 and status not in accept:
            body = content.decode("utf-8", "replace")[:500]
            log.error("google.request_refused", status=status, body=body)
            raise CalendarUnavailableError(f"HTTP {status}")
        return status, (json.loads(content) if content else {})

    def _session(self) -> aiohttp.ClientSession:
        """The connections to Google, opened on first use (inside the running loop). No
        timeout of its own: _send's deadline covers every attempt."""
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=CONCURRENT_REQUESTS, ssl=_trusted()),
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._http

    async def _token(self) -> str:
        """A valid access token; the token endpoint failing (unreachable, 5xx, credentials
        refused) is the calendar being unavailable, and is not retried here: google-auth
        already retried what it could."""
        async with self._token_lock:
            if not self._credentials.valid:
                from google.auth.transport.requests import Request  # noqa: PLC0415

                # google-auth refreshes synchronously; keep it off the event loop.
                try:
                    await asyncio.to_thread(self._credentials.refresh, Request())
                except GoogleAuthError as error:
                    log.warning("google.token_failed", error=type(error).__name__)
                    raise TokenRefusedError(type(error).__name__) from error
        return str(self._credentials.token)


@cache
def _trusted() -> ssl.SSLContext:
    """Certificates trusted as google-auth's token requests trust them (certifi's bundle), not
    as whatever the image's system store holds; built once for every business."""
    return ssl.create_default_context(cafile=certifi.where())


def parse_event(item: dict[str, Any], zone: tzinfo = UTC) -> EventChange:
    tag = (item.get("extendedProperties") or {}).get("private", {}).get(APPOINTMENT_TAG)
    return EventChange(
        event_id=item["id"],
        cancelled=item.get("status") == "cancelled",
        start=_when(item.get("start"), zone),
        end=_when(item.get("end"), zone),
        busy=item.get("transparency") != "transparent",
        appointment_id=tag,
    )


def _when(value: dict[str, Any] | None, zone: tzinfo) -> datetime | None:
    if not value:
        return None
    if "dateTime" in value:
        return datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    if "date" in value:  # all-day: from local midnight
        return datetime.fromisoformat(value["date"]).replace(tzinfo=zone)
    return None


def _seconds(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def _rate_limited(content: bytes) -> bool:
    try:
        errors = json.loads(content).get("error", {}).get("errors", [])
    except (ValueError, AttributeError):
        return False
    return any(e.get("reason") in _RATE_LIMIT_REASONS for e in errors)
