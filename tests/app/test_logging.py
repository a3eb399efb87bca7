"""Every line on stderr is one JSON object: our own, and those of asyncpg, uvicorn and the rest."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from app.logging import configure_logging


def lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_library_loggers_print_json_lines_with_their_tracebacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("json", "info")
    refused = ConnectionRefusedError("connect to +14155550123 refused")
    logging.getLogger("asyncpg.pool").error("connection lost", exc_info=refused)
    logging.getLogger("uvicorn.error").error("Exception in ASGI application")
    structlog.get_logger("frontdesk.test").warning("ours", phone="+14155550123")
    found = lines(capsys.readouterr().err)  # json.loads fails on any plain line
    assert [line["event"] for line in found] == [
        "connection lost",
        "Exception in ASGI application",
        "ours",
    ]
    assert found[0]["logger"] == "asyncpg.pool" and found[0]["level"] == "error"
    assert "ConnectionRefusedError" in str(found[0]["exception"])
    assert "14155550123" not in str(found[0]["exception"])
    assert found[2]["phone"] == "*********23"


def test_the_level_applies_to_library_loggers_too(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "warning")
    logging.getLogger("litestar").info("chatter")
    structlog.get_logger("frontdesk.test").info("chatter")
    logging.getLogger("litestar").warning("worth reading")
    assert [line["event"] for line in lines(capsys.readouterr().err)] == ["worth reading"]
    configure_logging("json", "info")
