"""Per-source request budgets, counted after authentication.

A request that passes authentication (a valid Retell signature, the operator key) spends its
source's budget (``RATE_LIMIT_PER_MINUTE``); one that fails spends a separate, smaller budget
(``REFUSED_LIMIT_PER_MINUTE``), so unsigned junk can neither silence the receptionist nor be
sent without limit. Counters are per instance, in fixed one-minute windows (cheap: no store
round trip); with N instances behind Fly's balancer a source gets at most N times the budget.

The source is the peer's address, or, only when the peer is a configured trusted proxy
(``TRUSTED_PROXIES``), the client address the proxy vouches for in ``Fly-Client-IP`` (else the
last address of ``X-Forwarded-For``)."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import TooManyRequestsException

WINDOW_SECONDS = 60
_MAX_SOURCES = 100_000  # beyond this many sources in one window, the oldest window is dropped

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` entries (addresses or CIDR ranges); a bad entry raises ValueError."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def client_address(
    connection: ASGIConnection[Any, Any, Any, Any], trusted: tuple[Network, ...]
) -> str:
    peer = connection.client.host if connection.client else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    vouched = connection.headers.get("fly-client-ip", "").strip()
    if not vouched:
        forwarded = connection.headers.get("x-forwarded-for", "")
        vouched = forwarded.rsplit(",", 1)[-1].strip()
    return vouched[:64] if vouched else peer


def _is_trusted(peer: str, trusted: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in trusted)


class Budget:
    """At most ``per_minute`` events per key in each one-minute window."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    def spend(self, key: str) -> bool:
        """Count one event for ``key``; False when its budget for this minute is spent."""
        window = int(self._clock() // WINDOW_SECONDS)
        if window != self._window or len(self._counts) > _MAX_SOURCES:
            self._window, self._counts = window, {}
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count <= self.per_minute


class RateLimiter:
    """The two budgets, keyed by the request's source."""

    def __init__(
        self, per_minute: int, refused_per_minute: int, trusted: tuple[Network, ...] = ()
    ) -> None:
        self.admitted = Budget(per_minute)
        self.refused = Budget(refused_per_minute)
        self.trusted = trusted

    def admit(self, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        """An authenticated request: 429 when its source has spent its budget."""
        if not self.admitted.spend(client_address(connection, self.trusted)):
            raise TooManyRequestsException("rate limit: try again within a minute")

    def refuse(self, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        """A request that failed authentication: counted apart; 429 once too many have."""
        if not self.refused.spend(client_address(connection, self.trusted)):
            raise TooManyRequestsException("too many refused requests: try again within a minute")
