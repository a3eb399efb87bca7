"""Texts callers send back (POST /twilio/sms): STOP and START recorded per business and number
only when Twilio's signature holds; HELP answered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import asyncpg
import httpx
import pytest
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import running, settings_for

TOKEN = "twilio_e2e_token"


@pytest.fixture(scope="module")
def texting_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    settings = settings_for(database_url, tmp_path_factory.mktemp("sms"))
    public = f"http://127.0.0.1:{settings.port}"
    settings = replace(
        settings,
        twilio_account_sid="AC" + "1" * 32,
        twilio_auth_token=TOKEN,
        twilio_from_number="+12125550100",
        twilio_api_base_url="http://127.0.0.1:9",  # never reached here
        public_base_url=public,
    )
    with running(settings) as url:
        yield url, public + "/twilio/sms"


def text_in(base: str, signed_for: str, body: str, token: str = TOKEN) -> httpx.Response:
    form = {"From": "+14155550123", "To": "+12125550100", "Body": body, "MessageSid": "SM1"}
    signature = RequestValidator(token).compute_signature(signed_for, form)
    return httpx.post(f"{base}/twilio/sms", data=form, headers={"x-twilio-signature": signature})


async def opted_out(pool: asyncpg.Pool) -> bool:
    return bool(
        await pool.fetchval("select count(*) from sms_opt_outs where phone = '+14155550123'")
    )


async def test_stop_then_start_are_recorded_for_the_number(
    texting_server: tuple[str, str], clean_pool: asyncpg.Pool
) -> None:
    base, public = texting_server
    await clean_pool.execute("truncate sms_opt_outs")
    answer = text_in(base, public, "STOP")
    assert answer.status_code == 200 and answer.text == "<Response></Response>"
    assert await opted_out(clean_pool)
    assert text_in(base, public, " start ").status_code == 200
    assert not await opted_out(clean_pool)


async def test_a_bad_signature_is_refused_and_records_nothing(
    texting_server: tuple[str, str], clean_pool: asyncpg.Pool
) -> None:
    base, public = texting_server
    await clean_pool.execute("truncate sms_opt_outs")
    assert text_in(base, public, "STOP", token="not the token").status_code == 401
    assert text_in(base, base + "/elsewhere", "STOP").status_code == 401
    assert not await opted_out(clean_pool)


def test_help_is_answered_with_how_to_reach_the_business(texting_server: tuple[str, str]) -> None:
    base, public = texting_server
    answer = text_in(base, public, "HELP")
    assert answer.text == (
        "<Response><Message>Test Dental: appointment texts. Reply STOP to stop them."
        "</Message></Response>"
    )


def test_without_twilio_settings_there_is_no_such_route(live_server: str) -> None:
    assert httpx.post(f"{live_server}/twilio/sms", data={"Body": "STOP"}).status_code == 404
