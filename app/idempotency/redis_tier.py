"""The Redis fast tier: shared by every instance, so a retry landing on another machine still
finds the first reply or waits for it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.idempotency import Mismatch, Outcome, Replay, Started, StillRunning

log = structlog.get_logger("frontdesk.idempotency")
_PREFIX = "fd:idem:"

# Extend the lease only while the value is still our in-flight marker (not a finished reply).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('expire', KEYS[1], ARGV[2])
end
return 0
"""


def _marker(fingerprint: str) -> str:
    return json.dumps({"fp": fingerprint})


class RedisTier:
    def __init__(self, client: Redis, ttl_seconds: int, inflight_seconds: int) -> None:
        self._redis = client
        self._ttl = ttl_seconds
        self._inflight = inflight_seconds

    @classmethod
    def from_url(cls, url: str, ttl_seconds: int, inflight_seconds: int) -> RedisTier:
        # Short timeouts: a dead Redis must cost a live call milliseconds, not seconds.
        client = Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        return cls(client, ttl_seconds, inflight_seconds)

    async def begin(self, key: str, fingerprint: str, wait_seconds: float) -> Outcome:
        name = _PREFIX + key
        marker = _marker(fingerprint)
        deadline = time.monotonic() + wait_seconds
        delay = 0.01
        while True:
            if await self._redis.set(name, marker, nx=True, ex=self._inflight):
                return Started()
            raw = await self._redis.get(name)
            if raw is None:
                continue  # finished and abandoned, or expired, since our SET: try again
            entry = json.loads(raw)
            if entry["fp"] != fingerprint:
                return Mismatch()
            if "status" in entry:
                return Replay(entry["status"], entry["body"])
            if time.monotonic() >= deadline:
                return StillRunning()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    async def finish(self, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        entry = json.dumps({"fp": fingerprint, "status": status, "body": body})
        await self._redis.set(_PREFIX + key, entry, ex=self._ttl)

    async def abandon(self, key: str) -> None:
        await self._redis.delete(_PREFIX + key)

    async def renew(self, key: str, fingerprint: str) -> None:
        await self._redis.eval(_RENEW, 1, _PREFIX + key, _marker(fingerprint), self._inflight)

    async def ping(self) -> None:
        await self._redis.ping()

    async def aclose(self) -> None:
        await self._redis.aclose()


__all__ = ["RedisError", "RedisTier"]
