"""The two tiers combined, with Redis failures degrading instead of failing the call."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import structlog

from app.idempotency import (
    DurableTier,
    FastTier,
    Mismatch,
    Outcome,
    Replay,
    Started,
)

log = structlog.get_logger("frontdesk.idempotency")

# After a fast-tier failure, skip it for this long instead of paying its timeout on every call.
_COOL_OFF_SECONDS = 5.0


def request_key(
    tool: str, args: Any, call_id: str | None, header: str | None, business_id: str = ""
) -> str | None:
    """The ``Idempotency-Key`` header when given, else one derived from the call, the tool and
    the canonical arguments; None when neither exists (nothing to match a retry by). Under a
    business id, so the same Retell call id (or header) at two businesses are two keys."""
    scope = f"{business_id}/" if business_id else ""
    if header:
        return scope + "h:" + hashlib.sha256(header.encode()).hexdigest()
    if not call_id:
        return None
    return scope + "d:" + fingerprint(tool, args, call_id)


def fingerprint(tool: str, args: Any, call_id: str | None) -> str:
    canonical = json.dumps([tool, call_id, args], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyGuard:
    def __init__(
        self,
        fast: FastTier,
        durable: DurableTier | None,
        wait_seconds: float,
        renew_every_seconds: float = 2.0,
    ) -> None:
        self.fast = fast
        self._durable = durable
        self._wait = wait_seconds
        self._renew_every = renew_every_seconds
        self._fast_down_until = 0.0
        self._claimed: set[str] = set()  # keys this instance holds in the fast tier

    async def begin(self, key: str, fingerprint: str) -> Outcome:
        outcome: Outcome = Started()
        if self._fast_usable():
            try:
                outcome = await self.fast.begin(key, fingerprint, self._wait)
            except Exception as error:
                self._fast_failed(error)
            else:
                if isinstance(outcome, Started):
                    self._claimed.add(key)
        if isinstance(outcome, Started) and self._durable is not None:
            try:
                kept = await self._durable.lookup(key)
            except BaseException:
                await self.abandon(key)  # a failed request must not keep its claim
                raise
            if kept is not None:
                kept_fingerprint, status, body = kept
                if kept_fingerprint != fingerprint:
                    await self.abandon(key)  # not ours to run: release the claim
                    return Mismatch()
                await self._finish_fast(key, fingerprint, status, body)
                return Replay(status, body)
        return outcome

    @asynccontextmanager
    async def holding(self, key: str, fingerprint: str) -> AsyncIterator[None]:
        """Keep renewing this request's in-flight lease while the body runs: the lease is
        short, so a holder that died frees the key within seconds."""
        renewer = asyncio.create_task(self._renew(key, fingerprint))
        try:
            yield
        finally:
            renewer.cancel()
            with suppress(asyncio.CancelledError):
                await renewer

    async def _renew(self, key: str, fingerprint: str) -> None:
        while True:
            await asyncio.sleep(self._renew_every)
            if self._fast_usable():
                try:
                    await self.fast.renew(key, fingerprint)
                except Exception as error:
                    self._fast_failed(error)

    async def finish(self, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        # Both writes are on the caller's wait: do them at once.
        writes = [self._finish_fast(key, fingerprint, status, body)]
        if self._durable is not None:
            writes.append(self._durable.keep(key, fingerprint, status, body))
        await asyncio.gather(*writes)

    async def abandon(self, key: str) -> None:
        if self._may_release(key):
            try:
                await self.fast.abandon(key)
            except Exception as error:
                self._fast_failed(error)

    async def _finish_fast(self, key: str, fp: str, status: int, body: dict[str, Any]) -> None:
        if self._may_release(key):
            try:
                await self.fast.finish(key, fp, status, body)
            except Exception as error:
                self._fast_failed(error)

    def _may_release(self, key: str) -> bool:
        """A key this instance claimed in the fast tier is always released there, even while
        the tier is skipped after another request's failure: its duplicates wait on it."""
        if key in self._claimed:
            self._claimed.discard(key)
            return True
        return self._fast_usable()

    def _fast_usable(self) -> bool:
        return time.monotonic() >= self._fast_down_until

    def _fast_failed(self, error: Exception) -> None:
        self._fast_down_until = time.monotonic() + _COOL_OFF_SECONDS
        log.warning(
            "idempotency.degraded",
            error=type(error).__name__,
            detail="cache unreachable; relying on the database",
        )
