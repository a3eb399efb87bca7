"""Postgres tells every instance when what a search reads has changed.

Triggers (migration 20261124001200) announce each committed change to appointments and to the
calendar mirror on the channel ``frontdesk_data``. This listens on a connection of its own and
counts them: an announcement names its business, and moves that business's generation on
(many businesses per deployment: a booking at one leaves the others' copies alone); a loss or
return of the connection moves every generation on (:attr:`generation`). Anything cached under
an older generation is out of date; while not :attr:`live` (never connected, or the connection
lost), nothing may be trusted at all.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import structlog

log = structlog.get_logger("frontdesk.change_feed")

CHANNEL = "frontdesk_data"
RECONNECT_SECONDS = 1.0


class ChangeFeed:
    def __init__(self, url: str) -> None:
        self._url = url
        self._connection: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self.generation = 0
        self._businesses: dict[str, int] = {}
        self.live = False

    def changed(self, business_id: str | None = None) -> None:
        """Something of ``business_id`` changed (announced, or written by this instance); of
        any business when None: older copies are stale."""
        if business_id:
            self._businesses[business_id] = self._businesses.get(business_id, 0) + 1
        else:
            self.generation += 1

    def generation_of(self, business_id: str | None) -> tuple[int, int]:
        """What a copy of ``business_id``'s data (any business's when None) was read under."""
        return self.generation, self._businesses.get(business_id, 0) if business_id else 0

    async def start(self) -> None:
        await self._connect()
        self._task = asyncio.create_task(self._keep_listening())

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._drop()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()

    async def _connect(self) -> None:
        try:
            connection = await asyncpg.connect(self._url, timeout=5)
            await connection.add_listener(CHANNEL, self._announced)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            log.warning("change_feed.unavailable", error=type(error).__name__)
            return
        connection.add_termination_listener(self._terminated)
        self._connection = connection
        self._lost.clear()
        self.changed()  # whatever happened while not listening
        self.live = True

    def _announced(
        self, _connection: object, _pid: object, _channel: object, payload: object
    ) -> None:
        self.changed(payload if isinstance(payload, str) else None)

    def _terminated(self, *_: object) -> None:
        log.warning("change_feed.lost")
        self._drop()
        self._lost.set()

    def _drop(self) -> None:
        self.live = False
        self.changed()

    async def _keep_listening(self) -> None:
        while True:
            if self.live:
                await self._lost.wait()
            await asyncio.sleep(RECONNECT_SECONDS)
            if self._connection is not None and not self._connection.is_closed():
                with contextlib.suppress(Exception):
                    await self._connection.close()
            await self._connect()
