"""Reading a webhook body: JSON that is safe to walk, or MalformedPayload saying why not."""

from __future__ import annotations

import json

import pytest

from app.payload import MAX_DEPTH, MalformedPayload, read_json


def _nested(levels: int) -> bytes:
    return ("[" * levels + "]" * levels).encode()


def test_a_body_nested_to_the_limit_is_read() -> None:
    assert read_json(_nested(MAX_DEPTH)) is not None


def test_a_body_nested_past_the_limit_is_refused() -> None:
    with pytest.raises(MalformedPayload, match="nested too deeply"):
        read_json(_nested(MAX_DEPTH + 1))


def test_many_brackets_side_by_side_are_not_depth() -> None:
    body = json.dumps({"items": [{"n": n} for n in range(MAX_DEPTH * 3)]}).encode()
    assert len(read_json(body)["items"]) == MAX_DEPTH * 3


def test_a_string_full_of_brackets_is_not_depth() -> None:
    body = json.dumps({"when": "[" * (MAX_DEPTH * 2)}).encode()
    assert read_json(body) == {"when": "[" * (MAX_DEPTH * 2)}


def test_a_body_that_is_not_json_says_so() -> None:
    with pytest.raises(MalformedPayload, match="not JSON"):
        read_json(b"{nope")
