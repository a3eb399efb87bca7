"""The configuration Retell receives: generated from the server's own argument models, valid
for Retell's API, and applied with the official client (at the HTTP boundary)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from pydantic import TypeAdapter
from retell import Retell
from retell.types.llm_create_params import GeneralToolCustomTool, GeneralToolTransferCallTool

from agent_tools.basics import OpenRange
from agent_tools.business import Business
from agent_tools.caller_context import dynamic_variables
from agent_tools.errors import ToolError
from agent_tools.handoff import Handoff
from agent_tools.registry import TOOLS
from app.business_config import load_business
from prompts.push import push
from prompts.retell_config import PROMPT, RETELL_BUILT_INS, configured_business, llm_config
from tests.conftest import FIXTURES

BASE = "https://frontdesk.example.com"
BUSINESS = load_business(FIXTURES / "business.toml")
DEMO = load_business(Path(__file__).parents[2] / "config" / "demo-business.toml")


def test_every_tool_is_published_with_the_servers_own_schema() -> None:
    assert "business_info" in TOOLS
    config = llm_config(BASE, BUSINESS)
    tools = {t["name"]: t for t in config["general_tools"] if t["type"] == "custom"}
    assert set(tools) == set(TOOLS)
    for name, tool in TOOLS.items():
        published = tools[name]
        TypeAdapter(GeneralToolCustomTool).validate_python(published)
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", name)
        assert published["url"] == f"{BASE}/retell/functions"
        schema = tool.args_model.model_json_schema()
        assert set(published["parameters"]["properties"]) == set(schema["properties"])
        assert published["parameters"].get("required", []) == schema.get("required", [])
        assert published["description"] == tool.description
        # Retrying is only offered because the server is idempotent for these tools.
        assert published["max_retry"] <= 5
        assert published["speak_during_execution"] is tool.mutates


def test_published_schemas_accept_what_the_server_accepts() -> None:
    tools = {t["name"]: t for t in llm_config(BASE, BUSINESS)["general_tools"]}
    book = tools["book_appointment"]["parameters"]
    assert book["required"] == ["name"]
    assert book["properties"]["phone"]["type"] == "string"
    assert tools["find_slots"]["parameters"]["properties"]["limit"]["maximum"] == 10


def test_the_prompt_covers_every_tool_and_every_error_the_agent_can_hear() -> None:
    prompt = PROMPT.read_text(encoding="utf-8")
    for name in TOOLS:
        assert f"`{name}`" in prompt
    codes = {cls.code for cls in _subclasses(ToolError)} - {
        "tool_error",
        "unknown_tool",
        "unknown_service",
        "in_progress",
    }
    missing = [code for code in codes if f"`{code}`" not in prompt]
    assert missing == []
    variables = set(re.findall(r"{{([\w/]+)}}", llm_config(BASE, BUSINESS)["general_prompt"]))
    ours = variables - {"current_time_America/New_York"}
    assert ours <= set(llm_config(BASE, BUSINESS)["default_dynamic_variables"])


def _subclasses(cls: type[ToolError]) -> set[type[ToolError]]:
    found: set[type[ToolError]] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


@respx.mock
def test_push_creates_then_updates_the_retell_llm() -> None:
    created = respx.post("https://api.retellai.com/create-retell-llm").mock(
        return_value=httpx.Response(
            201, json={"llm_id": "llm_new", "last_modification_timestamp": 1, "version": 0}
        )
    )
    updated = respx.patch("https://api.retellai.com/update-retell-llm/llm_new").mock(
        return_value=httpx.Response(
            200, json={"llm_id": "llm_new", "last_modification_timestamp": 2, "version": 1}
        )
    )
    client = Retell(api_key="key_test", max_retries=0)
    config = llm_config(BASE, BUSINESS)
    assert push(client, config, None) == "llm_new"
    sent = json.loads(created.calls.last.request.content)
    assert created.calls.last.request.headers["authorization"] == "Bearer key_test"
    assert [t["name"] for t in sent["general_tools"]] == [*TOOLS, "end_call", "transfer_call"]
    assert sent["general_prompt"] == config["general_prompt"]
    assert push(client, config, "llm_new") == "llm_new"
    assert json.loads(updated.calls.last.request.content)["general_tools"] == sent["general_tools"]


def test_a_missing_public_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from prompts.retell_config import public_base_url

    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(SystemExit, match="PUBLIC_BASE_URL"):
        public_base_url()


def test_the_prompt_reads_retells_own_clock_in_the_business_zone() -> None:
    """Not our own ``current_time``: that would shadow Retell's and be empty without the
    inbound webhook."""
    config = llm_config(BASE, BUSINESS)
    assert "{{current_time_America/New_York}}" in config["general_prompt"]
    assert "BUSINESS_TIMEZONE" not in config["general_prompt"]
    for name in config["default_dynamic_variables"]:
        assert name not in RETELL_BUILT_INS
        assert not name.startswith("current_time")


def test_without_the_inbound_webhook_the_prompt_reads_as_sentences() -> None:
    """A dashboard test call renders the prompt from the defaults alone."""
    config = llm_config(BASE, DEMO)
    rendered = re.sub(
        r"{{([\w/]+)}}",
        lambda m: config["default_dynamic_variables"].get(m[1], "<retell>"),
        config["general_prompt"],
    )
    assert "We offer ." not in rendered
    assert " , " not in rendered.split("## How you speak")[0]
    assert "we offer Cleaning, Checkup and Whitening." in rendered
    assert "Address: 120 Hudson Street, New York." in rendered
    assert "Opening hours: Monday 9 AM to noon and 1 to 5 PM;" in rendered
    assert "Caller: not known yet" in rendered
    for value in config["default_dynamic_variables"].values():
        assert isinstance(value, str)


def test_in_an_agency_directory_business_names_whose_config_is_printed() -> None:
    directory = str(Path(__file__).parents[2] / "config" / "businesses")
    chosen = configured_business({"BUSINESS_CONFIG": directory, "BUSINESS": "harbour-physio"})
    config = llm_config(BASE, chosen)
    assert config["default_dynamic_variables"]["business_name"] == "Harbour Physio"
    assert "current_time_Europe/London" in config["general_prompt"]
    assert {t["url"] for t in config["general_tools"] if "url" in t} == {f"{BASE}/retell/functions"}
    with pytest.raises(SystemExit, match="give BUSINESS=<id>"):
        configured_business({"BUSINESS_CONFIG": directory})
    with pytest.raises(SystemExit, match="no such business"):
        configured_business({"BUSINESS_CONFIG": directory, "BUSINESS": "nobody"})


def test_end_call_is_always_there_and_transfer_only_with_a_transfer_number() -> None:
    alone = replace(BUSINESS, handoff=None)
    plain = {t["name"]: t for t in llm_config(BASE, alone)["general_tools"]}
    assert plain["end_call"]["type"] == "end_call" and "transfer_call" not in plain
    staffed = replace(BUSINESS, handoff=Handoff("+12125550100"))  # as the fixture has
    tools = {t["name"]: t for t in llm_config(BASE, staffed)["general_tools"]}
    transfer = tools["transfer_call"]
    TypeAdapter(GeneralToolTransferCallTool).validate_python(transfer)
    assert transfer["transfer_destination"] == {"type": "predefined", "number": "+12125550100"}
    assert transfer["transfer_option"] == {"type": "cold_transfer"}


def test_a_transfer_is_offered_only_while_someone_answers(business: Business) -> None:
    desk = replace(
        business,
        handoff=Handoff("+12125550100", {2: (OpenRange(time(9), time(12)),)}),  # Wednesday
    )
    wednesday = datetime(2027, 3, 10, tzinfo=ZoneInfo("America/New_York"))
    assert dynamic_variables(desk, wednesday.replace(hour=10), None, None)["transfer_now"] == "yes"
    assert dynamic_variables(desk, wednesday.replace(hour=13), None, None)["transfer_now"] == "no"
    alone = replace(business, handoff=None)
    assert dynamic_variables(alone, wednesday.replace(hour=10), None, None)["transfer_now"] == "no"
    # Without hours of its own, the transfer number is answered in the business's hours.
    open_hours = replace(business, handoff=Handoff("+12125550100"))
    assert (
        dynamic_variables(open_hours, wednesday.replace(hour=10), None, None)["transfer_now"]
        == "yes"
    )
    assert (
        dynamic_variables(open_hours, wednesday.replace(hour=20), None, None)["transfer_now"]
        == "no"
    )
