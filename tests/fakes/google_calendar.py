"""A local stand-in for Google Calendar v3 and its OAuth token endpoint, for tests and benchmarks.

It speaks the documented shapes (shared/reference/google-calendar.md): freeBusy, events
insert/get/patch/delete/list with sync tokens and pages, watch, channels.stop, and a token
endpoint. Request bodies are checked against the discovery document bundled in
google-api-python-client; anything it does not know is recorded in ``violations``. Faults and
latency are injected per route.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import googleapiclient
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Litestar, Request, Response, delete, get, patch, post
from litestar.params import FromPath

DISCOVERY = json.loads(
    (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "calendar.v3.json"
    ).read_text(encoding="utf-8")
)


def _unknown_keys(body: Any, schema_name: str, path: str = "") -> list[str]:
    """Keys of ``body`` the discovery document does not define for ``schema_name``."""
    schema = DISCOVERY["schemas"][schema_name]
    return _check(body, schema, path or schema_name)


def _check(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    if "$ref" in schema:
        return _check(value, DISCOVERY["schemas"][schema["$ref"]], path)
    problems = []
    if schema.get("type") == "object" and isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                problems += _check(item, properties[key], f"{path}.{key}")
            elif extra is not None:
                problems += _check(item, extra, f"{path}.{key}")
            else:
                problems.append(f"{path}.{key}")
    if schema.get("type") == "array" and isinstance(value, list):
        for index, item in enumerate(value):
            problems += _check(item, schema.get("items", {}), f"{path}[{index}]")
    return problems


def _error(status: int, reason: str, message: str) -> Response[Any]:
    return Response(
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"domain": "global", "reason": reason, "message": message}],
            }
        },
        status_code=status,
    )


def _instant(value: dict[str, Any]) -> datetime:
    if "dateTime" in value:
        return datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    return datetime.fromisoformat(value["date"]).replace(tzinfo=UTC)


FREEBUSY_CALENDARS_MAX = 50


@dataclass
class FakeGoogle:
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    changed_at: dict[tuple[str, str], int] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    faults: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    latency: dict[str, float] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    free_busy_windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0  # the most requests answered at once
    page_size: int = 2
    oldest_valid_token: int = 0
    _clock: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- driving it from tests --------------------------------------------------------------

    def fail(self, route: str, *statuses: int) -> None:
        """The next requests to ``route`` answer these statuses, in order."""
        self.faults[route].extend(statuses)

    def put_event(self, calendar: str, event: dict[str, Any]) -> None:
        """As staff editing the calendar by hand would."""
        event = {"status": "confirmed", "kind": "calendar#event", **event}
        self.events[calendar][event["id"]] = event
        self.changed_at[(calendar, event["id"])] = next(self._clock)

    def remove_event(self, calendar: FromPath[str], event_id: FromPath[str]) -> None:
        self.events[calendar][event_id]["status"] = "cancelled"
        self.changed_at[(calendar, event_id)] = next(self._clock)

    def expire_sync_tokens(self) -> None:
        self.oldest_valid_token = next(self._clock)

    # -- the app ----------------------------------------------------------------------------

    def app(self) -> Litestar:
        fake = self

        async def gate(request: Request[Any, Any, Any], route: str) -> Response[Any] | None:
            fake.requests.append((route, str(request.url)))
            if route in fake.latency:
                fake.in_flight += 1
                fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
                try:
                    await asyncio.sleep(fake.latency[route])
                finally:
                    fake.in_flight -= 1
            if route != "token":
                auth = request.headers.get("authorization", "")
                if auth.removeprefix("Bearer ") not in fake.tokens:
                    return _error(401, "authError", "Invalid Credentials")
            if fake.faults[route]:
                status = fake.faults[route].popleft()
                reason = "rateLimitExceeded" if status == 403 else "backendError"
                return _error(status, reason, "injected fault")
            return None

        async def body_of(request: Request[Any, Any, Any], schema: str) -> dict[str, Any]:
            body: dict[str, Any] = json.loads(await request.body())
            fake.violations += _unknown_keys(body, schema)
            return body

        @post("/token", status_code=200)
        async def token(request: Request[Any, Any, Any]) -> Response[Any]:
            if refused := await gate(request, "token"):
                return refused
            form = await request.form()
            if form.get("grant_type") not in (
                "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "refresh_token",
            ):
                return Response({"error": "unsupported_grant_type"}, status_code=400)
            issued = secrets.token_urlsafe(16)
            fake.tokens.add(issued)
            return Response({"access_token": issued, "expires_in": 3600, "token_type": "Bearer"})

        @post("/calendar/v3/freeBusy", status_code=200)
        async def free_busy(request: Request[Any, Any, Any]) -> Response[Any]:
            if refused := await gate(request, "freeBusy"):
                return refused
            body = await body_of(request, "FreeBusyRequest")
            low, high = (
                _instant({"dateTime": body["timeMin"]}),
                _instant({"dateTime": body["timeMax"]}),
            )
            fake.free_busy_windows.append((low, high))
            if high <= low:
                return _error(400, "timeRangeEmpty", "The specified time range is empty.")
            if len(body["items"]) > FREEBUSY_CALENDARS_MAX:  # calendarExpansionMax
                return _error(400, "tooManyCalendarsRequested", "Too many calendars requested.")
            calendars: dict[str, Any] = {}
            for item in body["items"]:
                if item["id"] not in fake.events:
                    calendars[item["id"]] = {
                        "busy": [],
                        "errors": [{"domain": "global", "reason": "notFound"}],
                    }
                    continue
                busy = [
                    {
                        "start": _instant(e["start"]).astimezone(UTC).isoformat(),
                        "end": _instant(e["end"]).astimezone(UTC).isoformat(),
                    }
                    for e in fake.events[item["id"]].values()
                    if e["status"] != "cancelled"
                    and e.get("transparency") != "transparent"
                    and _instant(e["start"]) < high
                    and _instant(e["end"]) > low
                ]
                calendars[item["id"]] = {"busy": sorted(busy, key=lambda b: b["start"])}
            return Response(
                {
                    "kind": "calendar#freeBusy",
                    "timeMin": body["timeMin"],
                    "timeMax": body["timeMax"],
                    "calendars": calendars,
                }
            )

        @post("/calendar/v3/calendars/{calendar:str}/events", status_code=200)
        async def insert(request: Request[Any, Any, Any], calendar: FromPath[str]) -> Response[Any]:
            if refused := await gate(request, "insert"):
                return refused
            body = await body_of(request, "Event")
            if body.get("id") in fake.events[calendar]:
                return _error(409, "duplicate", "The requested identifier already exists.")
            event = {"id": body.get("id") or secrets.token_hex(8), **body}
            fake.put_event(calendar, event)
            return Response(fake.events[calendar][event["id"]])

        @get("/calendar/v3/calendars/{calendar:str}/events/{event_id:str}")
        async def get_event(
            request: Request[Any, Any, Any], calendar: FromPath[str], event_id: FromPath[str]
        ) -> Response[Any]:
            if refused := await gate(request, "get"):
                return refused
            found = fake.events[calendar].get(event_id)
            if found is None:
                return _error(404, "notFound", "Not Found")
            return Response(found)

        @patch("/calendar/v3/calendars/{calendar:str}/events/{event_id:str}")
        async def patch_event(
            request: Request[Any, Any, Any], calendar: FromPath[str], event_id: FromPath[str]
        ) -> Response[Any]:
            if refused := await gate(request, "patch"):
                return refused
            body = await body_of(request, "Event")
            found = fake.events[calendar].get(event_id)
            if found is None:
                return _error(404, "notFound", "Not Found")
            fake.put_event(calendar, {**found, **body})
            return Response(fake.events[calendar][event_id])

        @delete("/calendar/v3/calendars/{calendar:str}/events/{event_id:str}", status_code=200)
        async def delete_event(
            request: Request[Any, Any, Any], calendar: FromPath[str], event_id: FromPath[str]
        ) -> Response[Any]:
            if refused := await gate(request, "delete"):
                return refused
            found = fake.events[calendar].get(event_id)
            if found is None:
                return _error(404, "notFound", "Not Found")
            if found["status"] == "cancelled":
                return _error(410, "deleted", "Resource has been deleted")
            fake.remove_event(calendar, event_id)
            return Response(None, status_code=204)

        @get("/calendar/v3/calendars/{calendar:str}/events")
        async def list_events(
            request: Request[Any, Any, Any], calendar: FromPath[str]
        ) -> Response[Any]:
            if refused := await gate(request, "list"):
                return refused
            query = request.query_params
            sync_token, page_token = query.get("syncToken"), query.get("pageToken")
            if sync_token and (query.get("timeMin") or query.get("timeMax")):
                return _error(400, "invalid", "Sync token cannot be used with timeMin")
            since = 0
            if sync_token:
                since = int(sync_token.removeprefix("sync-"))
                if since < fake.oldest_valid_token:
                    return _error(410, "fullSyncRequired", "Sync token is no longer valid")
            offset = int(page_token or 0)
            ordered = (
                sorted(
                    (seq, event)
                    for (cal, event_id), seq in fake.changed_at.items()
                    if cal == calendar and seq > since
                    for event in [fake.events[cal][event_id]]
                )
                if sync_token
                else sorted(
                    (fake.changed_at[(calendar, e["id"])], e)
                    for e in fake.events[calendar].values()
                    if e["status"] != "cancelled"
                )
            )
            page = [event for _, event in ordered[offset : offset + fake.page_size]]
            answer: dict[str, Any] = {"kind": "calendar#events", "items": page}
            if offset + fake.page_size < len(ordered):
                answer["nextPageToken"] = str(offset + fake.page_size)
            else:
                answer["nextSyncToken"] = f"sync-{max(fake.changed_at.values(), default=0)}"
            return Response(answer)

        @post("/calendar/v3/calendars/{calendar:str}/events/watch", status_code=200)
        async def watch(request: Request[Any, Any, Any], calendar: FromPath[str]) -> Response[Any]:
            if refused := await gate(request, "watch"):
                return refused
            body = await body_of(request, "Channel")
            ttl = int(body.get("params", {}).get("ttl", 604800))
            channel = {
                "kind": "api#channel",
                "id": body["id"],
                "resourceId": f"res-{calendar}",
                "resourceUri": f"/calendars/{calendar}",
                "token": body.get("token"),
                "address": body["address"],
                "expiration": str(int(datetime.now(UTC).timestamp() + ttl) * 1000),
                "calendar": calendar,
            }
            fake.channels[body["id"]] = channel
            return Response({k: v for k, v in channel.items() if k != "calendar"})

        @post("/calendar/v3/channels/stop", status_code=200)
        async def stop(request: Request[Any, Any, Any]) -> Response[Any]:
            if refused := await gate(request, "stop"):
                return refused
            body = await body_of(request, "Channel")
            if fake.channels.pop(body["id"], None) is None:
                return _error(404, "notFound", "Channel not found")
            return Response(None, status_code=204)

        return Litestar(
            [
                token,
                free_busy,
                insert,
                get_event,
                patch_event,
                delete_event,
                list_events,
                watch,
                stop,
            ],
            debug=False,
        )


def make_service_account(token_base_url: str) -> str:
    """A service-account key (freshly generated) whose token_uri is the fake's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info: dict[str, Any] = {
        "type": "service_account",
        "project_id": "frontdesk-test",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "frontdesk@frontdesk-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": f"{token_base_url}/token",
    }
    return json.dumps(info)
