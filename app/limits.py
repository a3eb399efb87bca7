"""Limits on what one request may hold: headers (count and bytes, 431 past either) and the
time a body may take to arrive (408 when a client stalls mid-body), so slow or bloated clients
cannot pin connections; applied by the edge middleware (app/middleware.py). Timeouts before
the headers are complete are the load balancer's and uvicorn's (see docs/operations.md)."""

from __future__ import annotations

import json
from typing import Any

from litestar.types import Send

MAX_HEADERS = 100
MAX_HEADER_BYTES = 16 * 1024


def headers_too_large(headers: Any) -> bool:
    if len(headers) > MAX_HEADERS:
        return True
    size = 0
    for name, value in headers:
        size += len(name) + len(value)
    return size > MAX_HEADER_BYTES


async def reply(send: Send, status: int, detail: str) -> None:
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
