"""The HTTP contract as OpenAPI 3.1 (``GET /openapi.json``), built from the same argument
models the server validates with. Schemathesis fuzzes the running app against it in CI."""

from __future__ import annotations

from typing import Any

from agent_tools.registry import TOOLS

_REPLY = {
    "type": "object",
    "required": ["ok", "message"],
    "properties": {
        "ok": {"type": "boolean"},
        "message": {"type": "string", "minLength": 1},
        "error": {"type": "string"},
    },
}
_ERRORS = {
    "400": {
        "description": "Not a JSON object",
        "content": {"application/json": {"schema": _REPLY}},
    },
    "401": {"description": "Missing, wrong, stale or replayed X-Retell-Signature"},
    "409": {
        "description": "The same request is still running",
        "content": {"application/json": {"schema": _REPLY}},
    },
    "413": {"description": "Body over 1 MB"},
    "422": {
        "description": "Idempotency-Key reused with other arguments",
        "content": {"application/json": {"schema": _REPLY}},
    },
    "429": {"description": "Rate limit"},
}


def document() -> dict[str, Any]:
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for name, tool in TOOLS.items():
        schema = tool.args_model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[tool.args_model.__name__] = schema
        paths[f"/retell/functions/{name}"] = {
            "post": {
                "operationId": name,
                "summary": tool.description,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{tool.args_model.__name__}"}
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "The tool's answer, good or bad",
                        "content": {"application/json": {"schema": _REPLY}},
                    },
                    **_ERRORS,
                },
            }
        }
    paths["/retell/functions"] = {
        "post": {
            "operationId": "tool_call",
            "summary": "A tool call in Retell's default payload",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["name", "args"],
                            "properties": {
                                "name": {"type": "string", "enum": sorted(TOOLS)},
                                "call": {"type": "object"},
                                "args": {"type": "object"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "The tool's answer",
                    "content": {"application/json": {"schema": _REPLY}},
                },
                **_ERRORS,
            },
        }
    }
    for path, ok in (("/health/live", "200"), ("/health/ready", "200")):
        paths[path] = {
            "get": {
                "operationId": path.strip("/").replace("/", "_"),
                "responses": {ok: {"description": "Healthy"}, "503": {"description": "Not ready"}},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Frontdesk", "version": "1.0"},
        "paths": paths,
        "components": {"schemas": components},
    }
