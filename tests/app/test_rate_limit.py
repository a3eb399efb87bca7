"""The per-source budget and which address a request is counted against."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from app.rate_limit import Budget, client_address, trusted_networks


def _connection(peer: str, **headers: str) -> ASGIConnection[Any, Any, Any, Any]:
    scope: Any = {
        "type": "http",
        "client": (peer, 50000),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }
    return ASGIConnection(scope)


def test_a_budget_refuses_past_its_count_and_renews_each_minute() -> None:
    now = [0.0]
    budget = Budget(2, clock=lambda: now[0])
    assert [budget.spend("a"), budget.spend("a"), budget.spend("a")] == [True, True, False]
    assert budget.spend("b")
    now[0] = 61.0
    assert budget.spend("a")


def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy() -> None:
    trusted = trusted_networks(["172.16.0.0/12"])
    forged = _connection("203.0.113.9", fly_client_ip="198.51.100.1")
    assert client_address(forged, trusted) == "203.0.113.9"
    proxied = _connection("172.19.0.2", fly_client_ip="198.51.100.1")
    assert client_address(proxied, trusted) == "198.51.100.1"
    forwarded = _connection("172.19.0.2", x_forwarded_for="10.0.0.1, 198.51.100.4")
    assert client_address(forwarded, trusted) == "198.51.100.4"
    assert client_address(proxied, ()) == "172.19.0.2"
