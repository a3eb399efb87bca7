"""The in-process fast tier for the embedded defaults: the same semantics as Redis, for one
process."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from app.idempotency import Mismatch, Outcome, Replay, Started, StillRunning


@dataclass
class _Entry:
    fingerprint: str
    expires: float
    done: asyncio.Event = field(default_factory=asyncio.Event)
    reply: tuple[int, dict[str, Any]] | None = None


class MemoryTier:
    def __init__(self, ttl_seconds: float, inflight_seconds: float) -> None:
        self._ttl = ttl_seconds
        self._inflight = inflight_seconds
        self._entries: dict[str, _Entry] = {}

    async def begin(self, key: str, fingerprint: str, wait_seconds: float) -> Outcome:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is None or entry.expires <= now:
            self._entries[key] = _Entry(fingerprint, now + self._inflight)
            self._sweep(now)
            return Started()
        if entry.fingerprint != fingerprint:
            return Mismatch()
        deadline = now + wait_seconds
        while entry.reply is None:
            now = time.monotonic()
            if entry.expires <= now or self._entries.get(key) is not entry:
                # Abandoned, or the holder stopped renewing its lease: the waiter takes over.
                return await self.begin(key, fingerprint, max(deadline - now, 0))
            if now >= deadline:
                return StillRunning()
            with suppress(TimeoutError):
                await asyncio.wait_for(entry.done.wait(), min(deadline, entry.expires) - now)
        return Replay(*entry.reply)

    async def finish(self, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        entry = self._entries.get(key)
        if entry is None or entry.fingerprint != fingerprint:
            entry = self._entries[key] = _Entry(fingerprint, 0)
        entry.reply = (status, body)
        entry.expires = time.monotonic() + self._ttl
        entry.done.set()

    async def abandon(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            entry.done.set()

    async def renew(self, key: str, fingerprint: str) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry.reply is None and entry.fingerprint == fingerprint:
            entry.expires = time.monotonic() + self._inflight

    async def ping(self) -> None:
        return None

    async def aclose(self) -> None:
        return None

    def _sweep(self, now: float) -> None:
        if len(self._entries) > 10_000:
            for key in [k for k, e in self._entries.items() if e.expires <= now]:
                del self._entries[key]
