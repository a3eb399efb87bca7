"""Our verifier accepts exactly what Retell's own SDK signs."""

from __future__ import annotations

import time

import pytest
from retell.lib.webhook_auth import symmetric

from app.signature import is_valid_signature, signature_verdict

KEY = "key_0123456789abcdef"
BODY = b'{"name":"find_slots","args":{"when":"2027-03-15"},"call":{"call_id":"c"}}'
FIVE_MINUTES = 5 * 60 * 1000


def now_ms() -> int:
    return int(time.time() * 1000)


def check(body: bytes, header: str | None, key: str = KEY, at: int | None = None) -> bool:
    return is_valid_signature(body, header, key, now_ms=at or now_ms(), tolerance_ms=FIVE_MINUTES)


def test_a_signature_made_by_the_retell_sdk_is_valid() -> None:
    header = symmetric["sign"](BODY.decode(), KEY)
    assert check(BODY, header)
    assert symmetric["verify"](BODY.decode(), KEY, header)


def test_non_ascii_bodies_are_signed_over_their_utf8_bytes() -> None:
    body = '{"args":{"name":"José Müller"}}'.encode()
    assert check(body, symmetric["sign"](body.decode(), KEY))


@pytest.mark.parametrize(
    "header",
    [None, "", "v=123", "d=" + "0" * 64, "v=abc,d=" + "0" * 64, "v=1,d=XYZ", "garbage"],
)
def test_missing_or_malformed_headers_are_invalid(header: str | None) -> None:
    assert not check(BODY, header)


def test_a_changed_body_or_another_key_is_invalid() -> None:
    header = symmetric["sign"](BODY.decode(), KEY)
    assert not check(BODY + b" ", header)
    assert not check(BODY, header, key="key_other")


def test_signatures_older_than_five_minutes_are_invalid() -> None:
    stamp = now_ms()
    header = symmetric["sign"](BODY.decode(), KEY, stamp)
    assert check(BODY, header, at=stamp + FIVE_MINUTES)
    assert not check(BODY, header, at=stamp + FIVE_MINUTES + 1)


def test_a_signature_dated_more_than_thirty_seconds_ahead_is_refused_as_future() -> None:
    stamp = now_ms()
    header = symmetric["sign"](BODY.decode(), KEY, stamp)
    assert check(BODY, header, at=stamp - 30_000)
    verdict = signature_verdict(BODY, header, KEY, now_ms=stamp - 30_001, tolerance_ms=FIVE_MINUTES)
    assert verdict == "future"


@pytest.mark.parametrize(
    ("header", "reason"),
    [(None, "missing"), ("garbage", "malformed"), ("v=1,d=" + "0" * 64, "stale")],
)
def test_a_refusal_names_its_reason(header: str | None, reason: str) -> None:
    assert signature_verdict(BODY, header, KEY, now_ms=now_ms(), tolerance_ms=FIVE_MINUTES) == (
        reason
    )


def test_a_wrong_key_is_refused_as_wrong() -> None:
    header = symmetric["sign"](BODY.decode(), "key_other")
    assert signature_verdict(BODY, header, KEY, now_ms=now_ms(), tolerance_ms=FIVE_MINUTES) == (
        "wrong"
    )
