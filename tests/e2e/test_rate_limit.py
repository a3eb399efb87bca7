"""Budgets per source, spent only by what passes authentication; forwarded addresses believed
only from a trusted proxy; /metrics behind its token when one is set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.metrics import opaque_label
from tests.e2e.conftest import RetellClient, retell_call, running, settings_for

METRICS_TOKEN = "metrics_e2e_51c"


@pytest.fixture(scope="module")
def strict_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = replace(
        settings_for(database_url, Path(tmp_path_factory.mktemp("data"))),
        rate_limit_per_minute=5,
        refused_limit_per_minute=3,
        trusted_proxies=("127.0.0.1",),
        metrics_token=METRICS_TOKEN,
    )
    with running(settings) as url:
        yield url


@pytest.fixture
def client(strict_server: str) -> Iterator[RetellClient]:
    client = RetellClient(strict_server)
    yield client
    client.http.close()


def _find(client: RetellClient, source: str, *, signed: bool = True) -> int:
    body = json.dumps({"name": "find_slots", "call": retell_call(), "args": {}}).encode()
    return client.post(
        "/retell/functions",
        body,
        signature="sign" if signed else "v=1,d=" + "0" * 64,
        **{"fly-client-ip": source},
    ).status_code


def test_unsigned_junk_does_not_spend_the_budget_of_signed_calls(client: RetellClient) -> None:
    refused = [_find(client, "203.0.113.7", signed=False) for _ in range(5)]
    assert refused == [401, 401, 401, 429, 429]  # junk has its own, smaller budget
    assert [_find(client, "203.0.113.7") for _ in range(6)] == [200] * 5 + [429]


def test_each_client_behind_the_trusted_proxy_has_its_own_budget(client: RetellClient) -> None:
    assert [_find(client, "198.51.100.1") for _ in range(6)][-1] == 429
    assert _find(client, "198.51.100.2") == 200


def test_metrics_need_the_token_when_one_is_set(strict_server: str) -> None:
    assert httpx.get(f"{strict_server}/metrics").status_code == 401
    wrong = httpx.get(f"{strict_server}/metrics", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    bare = httpx.get(f"{strict_server}/metrics", headers={"authorization": METRICS_TOKEN})
    assert bare.status_code == 401
    shown = httpx.get(
        f"{strict_server}/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}
    )
    assert shown.status_code == 200
    assert "frontdesk_tool_calls_total" in shown.text


def test_a_calendar_is_labelled_by_an_opaque_key_not_its_address() -> None:
    label = opaque_label("owner@clinic.example")
    assert label.startswith("cal-")
    assert "clinic" not in label
    assert label == opaque_label("owner@clinic.example") != opaque_label("other@clinic.example")
