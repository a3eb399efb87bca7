"""The edge layer's body timer (app/middleware.py): a body that stalls is answered 408 once,
and a request cancelled from outside (shutdown) is not mistaken for a stalled body."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.middleware import edge

SCOPE: Any = {"type": "http", "path": "/retell/functions", "headers": []}


async def never() -> Any:
    await asyncio.Event().wait()  # a client that sends its headers and then nothing
    raise AssertionError("unreachable")


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []

    async def send(self, message: Any) -> None:
        self.sent.append(message)

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        self.received.append(await receive())


async def test_a_body_that_stalls_is_answered_408_and_the_app_hears_a_disconnect() -> None:
    recorder = Recorder()
    await edge(0.01)(recorder.app)(SCOPE, never, recorder.send)
    assert recorder.received == [{"type": "http.disconnect"}]
    assert recorder.sent[0]["type"] == "http.response.start"
    assert recorder.sent[0]["status"] == 408


async def test_a_request_cancelled_from_outside_is_not_answered_408() -> None:
    recorder = Recorder()
    served = asyncio.ensure_future(edge(10.0)(recorder.app)(SCOPE, never, recorder.send))
    await asyncio.sleep(0.01)
    served.cancel()
    with pytest.raises(asyncio.CancelledError):
        await served
    assert recorder.sent == [] and recorder.received == []


async def test_a_body_that_arrives_in_time_leaves_no_timer_behind() -> None:
    recorder = Recorder()

    async def body() -> Any:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    await edge(0.01)(recorder.app)(SCOPE, body, recorder.send)
    await asyncio.sleep(0.03)  # past the timeout: the cancelled timer must not fire
    assert recorder.received == [{"type": "http.request", "body": b"{}", "more_body": False}]
    assert recorder.sent == []


async def test_a_cancellation_from_outside_at_the_timeout_still_cancels_the_request() -> None:
    """The timer and a shutdown cancel the request in the same turn of the loop: the
    shutdown's cancellation is not swallowed as a stalled body."""
    recorder = Recorder()

    async def stalled_then_shut_down() -> Any:
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().call_soon(task.cancel)  # beside the timer, which is due now
        return await never()

    stalled = edge(0.0)(recorder.app)(SCOPE, stalled_then_shut_down, recorder.send)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.ensure_future(stalled)
    assert recorder.sent == []
