"""The one layer every HTTP request passes through before Litestar routes it (one layer, not
one per concern: each costs a closure and a wrapped ``send`` per request, docs/operations.md):

- a request id (the caller's X-Request-ID or a new one), bound to every log line of the request
  and echoed in the response;
- the limits of app/limits.py: headers too many or too large (431), a body that stalls (408).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any, cast

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from app.limits import headers_too_large, reply

_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# A new id is this process's random prefix and a counter: 16 hex digits, unique within the
# process and, by the prefix, across instances, without a call to the OS's random source per
# request (secrets.token_hex was 2.4% of a find_slots load's CPU).
_PREFIX = secrets.token_hex(3)
_COUNT = itertools.count()


def _new_id() -> str:
    return f"{_PREFIX}{next(_COUNT) & 0xFF_FFFF_FFFF:010x}"


def _request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            given = value.decode("latin-1")
            return given if _VALID_ID.fullmatch(given) else _new_id()
    return _new_id()


def edge(body_timeout_seconds: float) -> Callable[[ASGIApp], ASGIApp]:
    def middleware_factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            headers = scope["headers"]
            request_id = _request_id(headers)
            echoed = (b"x-request-id", request_id.encode())

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    given: Any = message.get("headers", [])
                    message = {**message, "headers": [*given, echoed]}
                await send(message)

            if headers_too_large(headers):
                await reply(send_with_id, 431, "Request headers too large")
                return
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(request_id=request_id, path=scope["path"])
            started = timed_out = False

            async def timed_receive() -> ReceiveMessage:
                nonlocal timed_out
                task = cast("asyncio.Task[None]", asyncio.current_task())  # ASGI runs in one
                expired = False

                def expire() -> None:
                    nonlocal expired
                    expired = True
                    task.cancel()

                # What asyncio.timeout() does, with a bare timer: half its CPU, and this runs for
                # every request (docs/operations.md, fifth stop). No task per message either.
                timer = asyncio.get_running_loop().call_later(body_timeout_seconds, expire)
                try:
                    return await receive()
                except asyncio.CancelledError:
                    # Cancelled from outside (shutdown), or from outside too: not a stalled body.
                    if not expired or task.uncancel() > 0:
                        raise
                    if not started:
                        timed_out = True
                        await reply(send_with_id, 408, "Request body timed out")
                    return {"type": "http.disconnect"}
                finally:
                    timer.cancel()

            async def edge_send(message: Message) -> None:
                nonlocal started
                if timed_out:
                    return  # the client was already told 408; the app's answer goes nowhere
                if message["type"] == "http.response.start":
                    started = True
                await send_with_id(message)

            try:
                await app(scope, timed_receive, edge_send)
            finally:
                structlog.contextvars.clear_contextvars()

        return middleware

    return middleware_factory
