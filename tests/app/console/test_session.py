"""What a console session records: its CSRF token and which businesses its key sees."""

from __future__ import annotations

from app.console.session import EVERY_BUSINESS, Scope, cookie_config, scope_for_key
from app.settings import Settings


def test_the_operator_key_sees_every_business_and_any_other_key_none() -> None:
    settings = Settings(operator_api_key="op-key-1")
    assert scope_for_key(settings, "op-key-1") == EVERY_BUSINESS
    assert scope_for_key(settings, "op-key-2") is None
    assert scope_for_key(settings, "") is None


def test_without_an_operator_key_nobody_signs_in() -> None:
    assert scope_for_key(Settings(operator_api_key=None), "") is None


def test_a_scoped_session_sees_only_its_businesses_and_survives_the_cookie() -> None:
    scope = Scope(frozenset({"dental-a"}))
    assert scope.sees("dental-a") and not scope.sees("dental-b")
    assert Scope.load(scope.dump()) == scope
    assert Scope.load(EVERY_BUSINESS.dump()).sees("anything")


def test_the_cookie_is_secure_when_served_over_https_and_its_key_follows_the_operator_key() -> None:
    plain = cookie_config(Settings(operator_api_key="k1"))
    tls = cookie_config(Settings(operator_api_key="k1", public_base_url="https://fd.example"))
    other = cookie_config(Settings(operator_api_key="k2"))
    assert (plain.secure, tls.secure) == (False, True)
    assert plain.httponly and plain.samesite == "lax" and plain.max_age > 0
    assert plain.secret != other.secret
