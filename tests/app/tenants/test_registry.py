"""Which business a call is for: by agent, then by the business's side of the number."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import Mock

import pytest

from agent_tools.ports import Deps
from app.tenants.config import TenantConfig, read_tenant
from app.tenants.registry import CallAddress, Tenant, Tenants
from tests.conftest import FIXTURES


def tenant(business_id: str, agents: tuple[str, ...], numbers: tuple[str, ...]) -> Tenant:
    config = read_tenant(FIXTURES / "business.toml", id_required=False)
    config = TenantConfig(
        business=replace(config.business, id=business_id),
        source=Path(f"{business_id}.toml"),
        agent_ids=agents,
        phone_numbers=numbers,
    )
    deps = Deps(config.business, Mock(), Mock(), lambda: datetime(2027, 3, 10, tzinfo=UTC))
    return Tenant(config, deps, Mock(), stack=AsyncExitStack())


A = tenant("a", ("agent_a",), ("+12125550100",))
B = tenant("b", ("agent_b",), ("+442071234567",))


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (CallAddress(agent_id="agent_b", to_number="+12125550100"), "b"),  # agent first
        (CallAddress(agent_id="agent_new", to_number="+442071234567"), "b"),
        (CallAddress(to_number="+12125550100", direction="inbound"), "a"),
        (CallAddress(from_number="+442071234567", direction="outbound"), "b"),
        # inbound: the caller's number is not the business's, even when it is another one's
        (CallAddress(from_number="+442071234567", to_number="+12125550100"), "a"),
    ],
)
def test_a_call_goes_to_the_business_its_agent_or_its_number_names(
    address: CallAddress, expected: str
) -> None:
    routed = Tenants([A, B]).route(address)
    assert routed is not None and routed.id == expected


def test_with_several_businesses_an_unmatched_call_belongs_to_none() -> None:
    assert Tenants([A, B]).route(CallAddress("agent_x", "+15005550006")) is None
    assert Tenants([A, B]).route(CallAddress()) is None


def test_with_one_business_every_call_is_its_own() -> None:
    routed = Tenants([A]).route(CallAddress("agent_x", "+15005550006"))
    assert routed is A
    assert Tenants([A, B], single_file=True).route(CallAddress("agent_x")) is A


def test_the_call_address_reads_only_strings_from_retell_s_call_object() -> None:
    address = CallAddress.of(
        {"agent_id": "agent_a", "to_number": 12, "from_number": "", "direction": "outbound"}
    )
    assert address == CallAddress("agent_a", None, None, "outbound")
    assert CallAddress.of("not a call") == CallAddress()
