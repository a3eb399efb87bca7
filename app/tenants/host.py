"""The set of businesses being served, and replacing it without a restart.

``SIGHUP`` or ``POST /operator/reload`` re-reads ``BUSINESS_CONFIG``. A valid new set replaces
the old one in one assignment (a call in flight finishes with the business it was routed to);
an invalid one is refused with the reason and the old set keeps serving. Unchanged businesses
keep running as they are; added ones start (their calendars get watched); removed or changed
ones are stopped after the swap. Their data stays in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import structlog

from agent_tools.business import Business
from agent_tools.errors import ConfigError
from app.tenants.config import TenantConfig, load_tenants
from app.tenants.registry import Tenant, Tenants
from app.tenants.wiring import Shared, build_tenant

log = structlog.get_logger("frontdesk.tenants")


@dataclass(frozen=True)
class Reloaded:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    serving: int


class ServedBusinesses(Mapping[str, Business]):
    """The businesses served right now, by id, following reloads (the outbox's view)."""

    def __init__(self, host: TenantHost) -> None:
        self._host = host

    def __getitem__(self, business_id: str) -> Business:
        tenant = self._host.current.get(business_id)
        if tenant is None:
            raise KeyError(business_id)
        return tenant.business

    def __iter__(self) -> Iterator[str]:
        return iter([t.id for t in self._host.current])

    def __len__(self) -> int:
        return len(self._host.current)


class TenantHost:
    def __init__(self, shared: Shared, path: Path, tenants: Tenants) -> None:
        self._shared = shared
        self._path = path
        self.current = tenants
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task[None]] = set()

    @classmethod
    async def start(cls, shared: Shared, path: Path, configs: Sequence[TenantConfig]) -> TenantHost:
        built: list[Tenant] = []
        try:
            for index, config in enumerate(configs):
                built.append(await build_tenant(config, shared, index))
        except BaseException:
            await _close(built)
            raise
        return cls(shared, path, Tenants(built, single_file=shared.single_file))

    async def reload(self) -> Reloaded:
        """Re-read the config; :class:`ConfigError` (nothing changed) when it is invalid."""
        async with self._lock:
            configs = load_tenants(self._path)
            old = self.current
            tenants: list[Tenant] = []
            built: list[Tenant] = []
            try:
                for index, config in enumerate(configs):
                    running = old.get(config.business.id)
                    if running is not None and running.config == config:
                        tenants.append(running)
                        continue
                    fresh = await build_tenant(config, self._shared, index)
                    built.append(fresh)
                    tenants.append(fresh)
            except BaseException:
                await _close(built)
                raise
            self.current = Tenants(tenants, single_file=self._shared.single_file)
            retired = [t for t in old if self.current.get(t.id) is not t]
            await _close(retired)
            outcome = Reloaded(
                added=tuple(t.id for t in built if old.get(t.id) is None),
                removed=tuple(t.id for t in retired if self.current.get(t.id) is None),
                changed=tuple(t.id for t in built if old.get(t.id) is not None),
                serving=len(self.current),
            )
        log.info(
            "tenants.reloaded",
            added=list(outcome.added),
            removed=list(outcome.removed),
            changed=list(outcome.changed),
            serving=outcome.serving,
        )
        return outcome

    async def reload_logged(self) -> None:
        """A reload whose refusal is only logged (SIGHUP has no one to answer)."""
        try:
            await self.reload()
        except ConfigError as error:
            log.warning("tenants.reload_refused", reason=str(error))
        except Exception:
            log.exception("tenants.reload_failed")

    def on_sighup(self) -> None:
        task = asyncio.create_task(self.reload_logged())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def listen_for_sighup(self) -> bool:
        """Reload on SIGHUP; False where signals cannot be handled (not the main thread)."""
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.on_sighup)
            return True
        return False

    async def aclose(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        for task in list(self._pending):
            await asyncio.gather(task, return_exceptions=True)
        await _close(list(self.current))


async def _close(tenants: Sequence[Tenant]) -> None:
    for tenant in tenants:
        try:
            await tenant.aclose()
        except Exception:
            log.exception("tenants.close_failed", business=tenant.id)
