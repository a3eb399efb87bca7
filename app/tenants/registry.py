"""The businesses one deployment serves, as one immutable value, and which one a call is for.

A call is routed by its Retell agent, then by the number that reaches the business (the number
dialled on an inbound call, the number calling out on an outbound one). With a single business
every call is its own (as before many businesses); with several, an unmatched call belongs to
none. Reload swaps the whole value at once (app/tenants/reload.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from agent_tools.business import Business
from agent_tools.ports import Deps
from app.google_channels import PushChannels
from app.google_sync import GoogleSync
from app.journal import Journal
from app.tenants.config import TenantConfig


@dataclass(eq=False)
class Tenant:
    """One business as served: its config, the ports its calls run against, its call records,
    and the background work (reconciler, Google sync and watch channels) it owns."""

    config: TenantConfig
    deps: Deps
    journal: Journal
    google_sync: GoogleSync | None = None
    push_channels: PushChannels | None = None
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    operator_key: str | None = field(default=None, repr=False)  # ``[operator] key_env``

    @property
    def business(self) -> Business:
        return self.deps.business

    @property
    def id(self) -> str:
        return self.deps.business.id

    async def aclose(self) -> None:
        """Stop its background work and clients; its data stays."""
        await self.stack.aclose()


@dataclass(frozen=True)
class CallAddress:
    """What a Retell payload says about where a call belongs."""

    agent_id: str | None = None
    to_number: str | None = None
    from_number: str | None = None
    direction: str | None = None  # "inbound" | "outbound"

    @property
    def business_number(self) -> str | None:
        """The business's side of the call."""
        return self.from_number if self.direction == "outbound" else self.to_number

    @classmethod
    def of(cls, call: Any) -> CallAddress:
        if not isinstance(call, Mapping):
            return cls()

        def text(key: str) -> str | None:
            value = call.get(key)
            return value if isinstance(value, str) and value else None

        return cls(text("agent_id"), text("to_number"), text("from_number"), text("direction"))


class Tenants:
    """Every business served, by id, by Retell agent and by phone number."""

    def __init__(self, tenants: Sequence[Tenant], *, single_file: bool = False) -> None:
        if not tenants:
            raise ValueError("at least one business")
        self._by_id = {t.id: t for t in tenants}
        self._by_agent = {a: t for t in tenants for a in t.config.agent_ids}
        self._by_number = {n: t for t in tenants for n in t.config.phone_numbers}
        # One business from one file (BUSINESS_CONFIG as before): every call is its own.
        self._fallback = tenants[0] if single_file or len(tenants) == 1 else None
        self.single_file = single_file

    def __iter__(self) -> Iterator[Tenant]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def first(self) -> Tenant:
        return next(iter(self._by_id.values()))

    def get(self, business_id: str) -> Tenant | None:
        return self._by_id.get(business_id)

    def route(self, address: CallAddress) -> Tenant | None:
        """The business a call is for: by agent, then by number; None when several are
        served and nothing matches."""
        if address.agent_id and address.agent_id in self._by_agent:
            return self._by_agent[address.agent_id]
        number = address.business_number
        if number and number in self._by_number:
            return self._by_number[number]
        return self._fallback
