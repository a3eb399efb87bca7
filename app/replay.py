"""Replay protection for signed webhooks: a signature is accepted once within its 5-minute
validity. Retell signs every delivery afresh (the signature carries the send time), so only a
captured-and-resent request repeats one."""

from __future__ import annotations

import time

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("frontdesk.replay")


class SeenSignatures:
    def __init__(self, redis: Redis | None, window_seconds: int = 300) -> None:
        self._redis = redis
        self._window = window_seconds
        self._local: dict[str, float] = {}

    async def first_time(self, signature: str) -> bool:
        """True the first time a signature is seen inside the window."""
        if self._redis is not None:
            try:
                return bool(
                    await self._redis.set("fd:sig:" + signature, b"1", nx=True, ex=self._window)
                )
            except (RedisError, OSError) as error:
                log.warning("replay.degraded", error=type(error).__name__)
        now = time.monotonic()
        if len(self._local) > 100_000:
            self._local = {k: v for k, v in self._local.items() if v > now}
        if self._local.get(signature, 0) > now:
            return False
        self._local[signature] = now + self._window
        return True

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
