"""Malformed and hostile requests get a clear 4xx or a speakable ``ok: false``, never a 5xx.

The cases are the classes a black-box review found answering 500: deep nesting, huge integers,
dates at the edges of the calendar, impossible slot ids, out-of-range call timestamps, and
path parameters carrying NUL."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import OPERATOR_KEY, RetellClient, retell_call

DEEP = 600


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def _body(args: Any = None, call: Any = None, name: str = "find_slots") -> bytes:
    return json.dumps(
        {"name": name, "call": retell_call() if call is None else call, "args": args or {}}
    ).encode()


def _call_with(**changes: Any) -> dict[str, Any]:
    return {**retell_call("call_hostile"), **changes}


TOOL_BODIES = {
    "args nested deeply": _body({"when": "tomorrow", "x": _nested(DEEP)}),
    "call nested deeply": _body(call=_call_with(metadata=_nested(DEEP))),
    "whole body nested deeply": json.dumps(_nested(DEEP)).encode(),
    "a list nested deeply": ("[" * 5000 + "]" * 5000).encode(),
    "an integer thousands of digits long": (
        b'{"name": "find_slots", "call": {}, "args": {"when": ' + b"9" * 5000 + b"}}"
    ),
    "when in year 9999": _body({"when": "9999-12-31T23:30:00"}),
    "when in year 9999 with an offset": _body({"when": "9999-12-31T23:30:00-12:00"}),
    "when in year 0001": _body({"when": "0001-01-01T00:10:00"}),
    "when in year 0001 with an offset": _body({"when": "0001-01-01T00:10:00+14:00"}),
    "a day in year 9999": _body({"when": "9999-12-31"}),
    "a range at the edge of time": _body({"when": "0001-01-01T00:00/9999-12-31T23:59"}),
    "start in year 9999": _body(
        {"start": "9999-12-31T23:30:00+00:00", "name": "Ada"}, name="book_appointment"
    ),
    "start in year 0001": _body(
        {"start": "0001-01-01T00:00:00", "name": "Ada"}, name="book_appointment"
    ),
    "a slot id in month 13": _body(
        {"slot_id": "cleaning@20271301T1500Z", "name": "Ada"}, name="book_appointment"
    ),
    "a slot id in year 9999": _body(
        {"slot_id": "cleaning@99991231T2330Z", "name": "Ada"}, name="book_appointment"
    ),
    "a slot id in year 0001": _body(
        {"slot_id": "cleaning@00010101T0000Z", "name": "Ada"}, name="book_appointment"
    ),
    "a start timestamp of 1e300": _body(call=_call_with(start_timestamp=1e300)),
    "a start timestamp in year 10000": _body(call=_call_with(start_timestamp=253402300800000)),
    "a start timestamp of 30 digits": _body(call=_call_with(start_timestamp=10**30)),
    "a negative start timestamp": _body(call=_call_with(start_timestamp=-(10**18))),
    "a spoken date in year 9999": _body({"when": "December 31, 9999 at 11pm"}),
    "a moving start in year 9999": _body(
        {"appointment_id": "a" * 20, "new_start": "9999-12-31T23:30:00"},
        name="reschedule_appointment",
    ),
}


@pytest.mark.parametrize("body", TOOL_BODIES.values(), ids=TOOL_BODIES.keys())
def test_a_hostile_tool_call_gets_a_clear_answer_not_a_server_error(
    retell: RetellClient, body: bytes
) -> None:
    for path in ("/retell/functions", "/retell/functions/find_slots"):
        response = retell.post(path, body)
        assert response.status_code < 500, (path, response.status_code, response.text[:200])
        if response.status_code == 200:
            assert response.json()["message"]


OPERATOR_PATHS = [
    ("GET", "/operator/appointments?date=9999-12-31"),
    ("GET", "/operator/appointments?date=0001-01-01"),
    ("GET", "/operator/calls/%00"),
    ("POST", "/operator/appointments/%00/resync"),
    ("GET", "/operator/calls/" + "x" * 5000),
]


@pytest.mark.parametrize(("method", "path"), OPERATOR_PATHS)
def test_a_hostile_operator_request_gets_a_clear_answer(
    live_server: str, method: str, path: str
) -> None:
    bearer = {"authorization": f"Bearer {OPERATOR_KEY}"}
    response = httpx.request(method, f"{live_server}{path}", headers=bearer)
    assert 200 <= response.status_code < 500, (response.status_code, response.text[:200])


def test_the_operator_key_without_bearer_is_refused(live_server: str) -> None:
    bare = httpx.get(
        f"{live_server}/operator/appointments?date=2027-04-13",
        headers={"authorization": OPERATOR_KEY},
    )
    assert bare.status_code == 401


def test_only_the_public_contract_is_published(live_server: str) -> None:
    """Litestar's own /schema (with CDN-loaded viewers) is gone; /openapi.json has no
    operator endpoint."""
    assert httpx.get(f"{live_server}/schema").status_code == 404
    assert httpx.get(f"{live_server}/schema/swagger").status_code == 404
    paths = httpx.get(f"{live_server}/openapi.json").json()["paths"]
    assert paths
    assert not [path for path in paths if path.startswith("/operator")]
