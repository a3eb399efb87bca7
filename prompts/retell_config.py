"""The Retell LLM configuration, in the shape of Retell's create-LLM request.

    python -m prompts.retell_config            # print it as JSON (make retell-config)
    BUSINESS=acme-dental python -m prompts.retell_config   # one business of a directory

Tool parameters come from the argument models in agent_tools, so the schema Retell gives the LLM
is the schema the server validates with. The result is checked against the official retell-sdk
request types before it is printed or sent.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from retell.types.llm_create_params import LlmCreateParams

from agent_tools.business import Business
from agent_tools.caller_context import default_variables
from agent_tools.registry import TOOLS, Tool
from app.business_config import configured_path
from app.tenants.config import load_tenants

PROMPT = Path(__file__).with_name("receptionist.md")

# What the agent says while a tool that changes things runs (Retell speaks it).
_EXECUTION_MESSAGES = {
    "book_appointment": "Say you are booking it now, in a few words.",
    "reschedule_appointment": "Say you are moving it now, in a few words.",
    "cancel_appointment": "Say you are cancelling it now, in a few words.",
}
TOOL_TIMEOUT_MS = 10_000  # our answers take milliseconds; this bounds a stuck attempt
MAX_RETRY = 2  # safe: the server answers a retried call exactly once (docs/booking.md)


def parameters(tool: Tool) -> dict[str, Any]:
    """The args model's JSON schema, flattened to what LLM function calling reads best:
    optional fields as their plain type, no titles."""
    schema = tool.args_model.model_json_schema()
    properties = {}
    for name, field in schema.get("properties", {}).items():
        flat = {k: v for k, v in field.items() if k not in ("title", "anyOf", "default")}
        for option in field.get("anyOf", []):
            if option.get("type") != "null":
                flat.update({k: v for k, v in option.items() if k != "title"})
        properties[name] = flat
    result: dict[str, Any] = {"type": "object", "properties": properties}
    if schema.get("required"):
        result["required"] = list(schema["required"])
    return result


def tool_definition(tool: Tool, base_url: str) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "type": "custom",
        "name": tool.name,
        "description": tool.description,
        "url": f"{base_url.rstrip('/')}/retell/functions",
        "method": "POST",
        "parameters": parameters(tool),
        "timeout_ms": TOOL_TIMEOUT_MS,
        "max_retry": MAX_RETRY,
        "speak_after_execution": True,
        "speak_during_execution": tool.mutates,
    }
    if tool.name in _EXECUTION_MESSAGES:
        definition["execution_message_description"] = _EXECUTION_MESSAGES[tool.name]
    return definition


# Variables Retell fills in itself; ours must never shadow them (docs.retellai.com, "Dynamic
# variables": current_time, current_time_<zone>, current_calendar, ...).
RETELL_BUILT_INS = frozenset(
    {
        "current_time",
        "current_calendar",
        "current_agent_state",
        "previous_agent_state",
        "session_type",
        "session_duration",
        "direction",
        "user_number",
        "agent_number",
        "call_id",
    }
)
_ZONE_MARK = "BUSINESS_TIMEZONE"  # in the prompt: {{current_time_BUSINESS_TIMEZONE}}


def prompt(business: Business) -> str:
    """The prompt, with Retell's clock set to the business's zone."""
    return PROMPT.read_text(encoding="utf-8").replace(_ZONE_MARK, business.timezone.key)


def handoff_tools(business: Business) -> list[dict[str, Any]]:
    """Retell's own tools: ending the call, always; a cold transfer to the business's transfer
    number when it has one (the prompt uses it only while {{transfer_now}} is "yes")."""
    tools: list[dict[str, Any]] = [
        {
            "type": "end_call",
            "name": "end_call",
            "description": "End the call once the caller has what they need and said goodbye.",
        }
    ]
    if business.handoff is not None:
        tools.append(
            {
                "type": "transfer_call",
                "name": "transfer_call",
                "description": "Transfer the caller to a person at the business (only when "
                "{{transfer_now}} is yes): they asked for a person, or are upset.",
                "transfer_destination": {
                    "type": "predefined",
                    "number": business.handoff.transfer_number,
                },
                "transfer_option": {"type": "cold_transfer"},
            }
        )
    return tools


def llm_config(base_url: str, business: Business) -> dict[str, Any]:
    config: dict[str, Any] = {
        "general_prompt": prompt(business),
        "general_tools": [
            *(tool_definition(tool, base_url) for tool in TOOLS.values()),
            *handoff_tools(business),
        ],
        # Used when the inbound webhook is not wired (dashboard test calls): the config's facts.
        "default_dynamic_variables": default_variables(business),
        "begin_message": "Thanks for calling {{business_name}}, how can I help you today?",
    }
    TypeAdapter(LlmCreateParams).validate_python(config)
    return config


def public_base_url() -> str:
    url = os.environ.get("PUBLIC_BASE_URL", "").strip()
    if not url.startswith(("https://", "http://")):
        raise SystemExit("Set PUBLIC_BASE_URL to where Retell reaches this server (https://...)")
    return url


def configured_business(env: Mapping[str, str] = os.environ) -> Business:
    """The business in BUSINESS_CONFIG (default: the demo); when it is a directory of several,
    the one ``BUSINESS`` names (``make retell-config BUSINESS=<id>``). The tools' URL is the
    same for every business: calls are routed by their agent and number."""
    path = configured_path(env)
    wanted = env.get("BUSINESS", "").strip()
    businesses = [t.business for t in load_tenants(path)]
    if not wanted and len(businesses) == 1:
        return businesses[0]
    known = ", ".join(b.id for b in businesses)
    if not wanted:
        raise SystemExit(f"{path} holds several businesses: give BUSINESS=<id> ({known})")
    for business in businesses:
        if business.id == wanted:
            return business
    raise SystemExit(f"BUSINESS={wanted}: no such business in {path} ({known})")


def main() -> None:
    json.dump(llm_config(public_base_url(), configured_business()), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
