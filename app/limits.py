"""Limits on what one request may hold: headers (count and bytes, 431 past either) and the
time a body may take to arrive (408 when a client stalls mid-body), so slow or bloated clients
cannot pin connections. Timeouts before the headers are complete are the load balancer's and
uvicorn's (see docs/operations.md)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

MAX_HEADERS = 100
MAX_HEADER_BYTES = 16 * 1024


def request_limits(body_timeout_seconds: float) -> Any:
    def middleware_factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            headers = list(scope["headers"])
            size = sum(len(name) + len(value) for name, value in headers)
            if len(headers) > MAX_HEADERS or size > MAX_HEADER_BYTES:
                await _reply(send, 431, "Request headers too large")
                return
            state = {"started": False, "timed_out": False}

            async def timed_receive() -> ReceiveMessage:
                try:  # asyncio.timeout: no task per message, unlike wait_for
                    async with asyncio.timeout(body_timeout_seconds):
                        return await receive()
                except TimeoutError:
                    if not state["started"]:
                        state["timed_out"] = True
                        await _reply(send, 408, "Request body timed out")
                    return {"type": "http.disconnect"}

            async def guarded_send(message: Message) -> None:
                if state["timed_out"]:
                    return  # the client was already told 408; the app's answer goes nowhere
                if message["type"] == "http.response.start":
                    state["started"] = True
                await send(message)

            await app(scope, timed_receive, guarded_send)

        return middleware

    return middleware_factory


async def _reply(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"status_code": status, "detail": detail}).encode()
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    await send(start)
    end: Any = {"type": "http.response.body", "body": body}
    await send(end)
