"""Replay protection for signed webhooks: a signature is recognised as seen until it expires
(its own timestamp plus the tolerance), on every instance and across restarts: Redis first,
Postgres when Redis is away, this process's memory only when neither can answer.

Retell stamps every delivery with its send time (the SDK's ``sign`` uses the current time), so a
repeated signature is normally a captured request sent again. Where it could be Retell's own
retry, the routes decide what a repeat may still get (see app/routes/retell.py)."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

import asyncpg
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.db.faults import CONNECTION_FAULTS

log = structlog.get_logger("frontdesk.replay")

# Postgres refusing, restarting or mid-terminated (asyncpg's interface errors included).
_POSTGRES_AWAY: tuple[type[BaseException], ...] = (asyncpg.PostgresError, *CONNECTION_FAULTS)


class SeenSignatures:
    def __init__(self, redis: Redis | None, pool: asyncpg.Pool | None = None) -> None:
        self._redis = redis
        self._pool = pool
        self._local: dict[str, float] = {}

    async def first_time(self, signature: str, expires_at_ms: int) -> bool:
        """True the first time ``signature`` is seen before ``expires_at_ms`` (Unix ms)."""
        digest = hashlib.sha256(signature.encode()).hexdigest()
        ttl_ms = max(1, expires_at_ms - int(time.time() * 1000))
        if self._redis is not None:
            try:
                return bool(await self._redis.set("fd:sig:" + digest, b"1", nx=True, px=ttl_ms))
            except (RedisError, OSError) as error:
                log.warning("replay.degraded", store="redis", error=type(error).__name__)
        if self._pool is not None:
            try:
                expires = datetime.fromtimestamp(expires_at_ms / 1000, UTC)
                return bool(
                    await self._pool.fetchval("select fd_first_sighting($1, $2)", digest, expires)
                )
            except _POSTGRES_AWAY as error:
                log.warning("replay.degraded", store="postgres", error=type(error).__name__)
        return self._first_time_here(digest, ttl_ms / 1000)

    def _first_time_here(self, digest: str, ttl_seconds: float) -> bool:
        now = time.monotonic()
        if len(self._local) > 100_000:
            self._local = {k: v for k, v in self._local.items() if v > now}
        if self._local.get(digest, 0) > now:
            return False
        self._local[digest] = now + ttl_seconds
        return True

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
