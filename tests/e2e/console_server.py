"""A running app serving the clinic (three staff) with an operator key: what the console tests
drive, over HTTP and in a browser."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.conftest import FIXTURES
from tests.e2e.conftest import OPERATOR_KEY, running, settings_for

__all__ = ["OPERATOR_KEY", "console_server"]


@pytest.fixture(scope="module")
def console_server(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    settings = replace(
        settings_for(database_url, tmp_path_factory.mktemp("console"), redis_url),
        business_config=FIXTURES / "clinic.toml",
    )
    with running(settings) as url:
        yield url
