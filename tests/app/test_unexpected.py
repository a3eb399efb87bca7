"""A fault no route handled: logged with its traceback, answered 500 as JSON; HTTP errors the
routes raise on purpose (404, 401, 400) keep their own answers."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.testing import TestClient

from agent_tools.ports import StoreUnavailableError
from app.factory import create_app
from app.logging import configure_logging
from app.settings import Settings
from app.unexpected import HANDLERS, dependency_down, unexpected_fault
from tests.conftest import FIXTURES


@get("/broken", sync_to_thread=False)
def broken() -> None:
    raise KeyError("+14155550123")


@get("/store-down", sync_to_thread=False)
def store_down() -> None:
    raise StoreUnavailableError("ConnectionRefusedError")


@get("/missing", sync_to_thread=False)
def missing() -> None:
    raise NotFoundException("no such thing")


def test_an_unhandled_fault_is_logged_and_answered_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("json", "info")
    app = Litestar([broken, missing, store_down], exception_handlers=HANDLERS, logging_config=None)
    with TestClient(app) as client:
        answered = client.get("/broken")
        assert answered.status_code == 500
        assert answered.json()["error"] == "internal_error"
        assert client.get("/missing").status_code == 404
        down = client.get("/store-down")
        assert (down.status_code, down.json()["error"]) == (503, "temporarily_unavailable")
    (logged,) = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if '"http.unexpected_fault"' in line
    ]
    assert (logged["level"], logged["path"]) == ("error", "/broken")
    assert "KeyError" in logged["exception"] and "14155550123" not in logged["exception"]


def test_the_app_registers_the_last_resort() -> None:

    app = create_app(
        Settings(business_config=FIXTURES / "business.toml", allow_unsigned_webhooks=True)
    )
    assert app.exception_handlers[HTTP_500_INTERNAL_SERVER_ERROR] is unexpected_fault
    assert app.exception_handlers[StoreUnavailableError] is dependency_down
