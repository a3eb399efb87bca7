"""Schemathesis fuzzes the running app against its own OpenAPI document (app/openapi.py): no
5xx, and every answer in the documented shape and status codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.openapi import document
from app.settings import Settings
from tests.conftest import FIXTURES
from tests.e2e.conftest import running
from tests.fakes.serving import free_port


@pytest.fixture(scope="session")
def unsigned_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Signatures are tested elsewhere; here the fuzzer's bodies must reach the tools."""
    settings = Settings(
        port=free_port(),
        data_dir=Path(tmp_path_factory.mktemp("fuzz")),
        business_config=FIXTURES / "business.toml",
        database_url=database_url,
        database_pool_max=4,
        allow_unsigned_webhooks=True,
        rate_limit_per_minute=1_000_000,
    )
    with running(settings) as url:
        yield url


# Built at collection from the document alone; each case is sent to the running server.
SCHEMA = schemathesis.openapi.from_dict(document())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.label for o in OPERATIONS])
def test_the_app_keeps_its_documented_contract(operation: Any, unsigned_server: str) -> None:
    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        case.call_and_validate(base_url=unsigned_server, checks=CHECKS)

    fuzz()
