"""Every endpoint, not only the public tools, fuzzed with schema-shaped and deliberately
malformed requests (schemathesis' positive and negative modes): nothing answers 5xx.

The operator, webhook and notification routes are not in the public document (app/openapi.py
publishes only the tool contract), so this test describes them itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from app.openapi import document
from tests.e2e.conftest import OPERATOR_KEY, running, settings_for

_TEXT: dict[str, Any] = {"type": "string"}
_OBJECT: dict[str, Any] = {"type": "object"}
_ANSWERS = {"default": {"description": "any answer but a server error"}}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _path_id(name: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": _TEXT}]


PRIVATE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Frontdesk, every route", "version": "1.0"},
    "paths": {
        "/operator/appointments": {
            "get": {
                "parameters": [{"name": "date", "in": "query", "required": True, "schema": _TEXT}],
                "responses": _ANSWERS,
            }
        },
        "/operator/calls/{call_id}": {
            "get": {"parameters": _path_id("call_id"), "responses": _ANSWERS}
        },
        "/operator/appointments/{appointment_id}/resync": {
            "post": {"parameters": _path_id("appointment_id"), "responses": _ANSWERS}
        },
        "/retell/webhook": {
            "post": {
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "properties": {"event": _TEXT, "call": _OBJECT},
                        "required": ["event"],
                    }
                ),
                "responses": _ANSWERS,
            }
        },
        "/retell/inbound": {
            "post": {
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "properties": {"event": _TEXT, "call_inbound": _OBJECT},
                    }
                ),
                "responses": _ANSWERS,
            }
        },
        "/google/notifications": {
            "post": {
                "parameters": [
                    {"name": "x-goog-channel-id", "in": "header", "schema": _TEXT},
                    {"name": "x-goog-channel-token", "in": "header", "schema": _TEXT},
                    {"name": "x-goog-resource-state", "in": "header", "schema": _TEXT},
                ],
                "responses": _ANSWERS,
            }
        },
    },
}


@pytest.fixture(scope="module")
def open_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = replace(
        settings_for(database_url, Path(tmp_path_factory.mktemp("fuzz-all"))),
        retell_api_key=None,
        allow_unsigned_webhooks=True,
        rate_limit_per_minute=1_000_000,
        refused_limit_per_minute=1_000_000,
    )
    with running(settings) as url:
        yield url


def _operations(schema: dict[str, Any]) -> list[Any]:
    loaded = schemathesis.openapi.from_dict(schema)
    return [result.ok() for result in loaded.get_all_operations()]  # type: ignore[union-attr]


def _can_be_malformed(operation: Any) -> bool:
    """Negative cases exist only where the schema constrains something: a JSON body or a
    required query parameter (a free-text path id or header cannot be out of schema)."""
    raw = operation.definition.raw
    required_query = any(
        p.get("in") == "query" and p.get("required") for p in raw.get("parameters", [])
    )
    return "requestBody" in raw or required_query


ALL = _operations(PRIVATE) + _operations(document())
CASES = [(op, GenerationMode.POSITIVE) for op in _operations(PRIVATE)] + [
    (op, GenerationMode.NEGATIVE) for op in ALL if _can_be_malformed(op)
]


@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{op.label} {mode.value}" for op, mode in CASES]
)
def test_no_request_to_any_endpoint_gets_a_server_error(
    operation: Any, mode: GenerationMode, open_server: str
) -> None:
    @settings(
        max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: Any) -> None:
        headers = {"authorization": f"Bearer {OPERATOR_KEY}", **(case.headers or {})}
        response = case.call(base_url=open_server, headers=headers)
        assert response.status_code < 500, (case.path, case.body, response.text[:200])

    fuzz()
