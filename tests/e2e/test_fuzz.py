"""Whatever an LLM sends as arguments, the tool endpoint answers with the contract: 200 and a
speakable ``{ok, message}`` (never a 5xx, never a stack trace)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_tools.registry import TOOLS
from tests.e2e.conftest import RetellClient, retell_call

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(
        [
            "tomorrow",
            "2027-03-15T14:00",
            "next Tuesday after lunch",
            "cleaning",
            "apt_aaaaaaaaaaaaaaaa",
            "cleaning@20270315T1400Z",
            "+14155550123",
            "",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
field_names = st.sampled_from(
    sorted({f for t in TOOLS.values() for f in t.args_model.model_fields})
)
arguments = st.dictionaries(field_names, values, max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tool=st.sampled_from([*TOOLS, "no_such_tool"]), args=arguments)
def test_any_arguments_get_a_speakable_answer(
    retell: RetellClient, tool: str, args: dict[str, Any]
) -> None:
    body = json.dumps({"name": tool, "call": retell_call("call_fuzz"), "args": args}).encode()
    response = retell.post("/retell/functions", body)
    assert response.status_code in (200, 409, 422), response.text
    reply = response.json()
    assert isinstance(reply["ok"], bool)
    assert isinstance(reply["message"], str) and reply["message"]
    assert "Traceback" not in response.text
    if not reply["ok"]:
        assert reply["error"]
