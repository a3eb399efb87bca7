"""What a Litestar ASGI route handler (``@asgi``) must do itself that a ``@post`` handler gets
from the framework: refuse other methods, read the body within its size limit, read a header,
send a JSON answer. The tool-call webhooks are served this way because they are the hot path:
Litestar's per-request machinery (the signature model, dependency resolution, the Response
object and its conversion) cost more than the search itself (docs/operations.md, "Search
speed"). Refusals raise Litestar's own exceptions, so they are answered exactly as on any other
route (405, 413), by the app's exception handlers."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import InternalServerException, MethodNotAllowedException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.serialization import encode_json
from litestar.types import Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024  # every route's limit (app/factory.py passes it to Litestar)
_JSON = (b"content-type", b"application/json")


def only(scope: Scope, method: str) -> None:
    if scope.get("method") != method:
        raise MethodNotAllowedException(headers={"allow": method})


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case, as ASGI gives them)."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def read_body(scope: Scope, receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body: 413 past ``limit`` (announced or streamed), a fault when the client
    goes away mid-body (as Litestar's own ``Request.body``)."""
    announced = header(scope, b"content-length")
    if announced is not None and announced.isdigit() and int(announced) > limit:
        raise RequestEntityTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Any = await receive()
        if message["type"] == "http.disconnect":
            raise InternalServerException("client disconnected prematurely")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestEntityTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def send_json(send: Send, status: int, content: Any) -> None:
    body = encode_json(content)
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": [_JSON, (b"content-length", str(len(body)).encode())],
    }
    await send(start)
    end: Any = {"type": "http.response.body", "body": body}
    await send(end)
