"""The console over plain HTTP (no browser): sign-in, the session cookie, CSRF, the pages."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.e2e.conftest import OPERATOR_KEY, RetellClient, retell_call, running, settings_for

CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def token(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:400]
    return found.group(1)


def signed_in(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url)
    form = client.get("/console/login")
    answer = client.post("/console/login", data={"key": OPERATOR_KEY, "_csrf": token(form)})
    assert answer.status_code == 303 and answer.headers["location"] == "/console"
    return client


@pytest.fixture
def console(live_server: str) -> Iterator[httpx.Client]:
    client = signed_in(live_server)
    yield client
    client.close()


def test_without_a_session_every_page_redirects_to_sign_in(live_server: str) -> None:
    for path in ("/console", "/console/week", "/console/calls", "/console/health"):
        answer = httpx.get(f"{live_server}{path}")
        assert (answer.status_code, answer.headers.get("location")) == (303, "/console/login")


def test_the_session_cookie_is_http_only_same_site_lax_and_expires(live_server: str) -> None:
    with httpx.Client(base_url=live_server) as client:
        form = client.get("/console/login")
        answer = client.post("/console/login", data={"key": OPERATOR_KEY, "_csrf": token(form)})
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=28800" in cookie
    assert "secure" not in cookie  # served over plain http here


def test_a_wrong_key_is_refused_and_not_logged(
    live_server: str, capfd: pytest.CaptureFixture[str]
) -> None:
    with httpx.Client(base_url=live_server) as client:
        form = client.get("/console/login")
        answer = client.post("/console/login", data={"key": "guess-123", "_csrf": token(form)})
        assert answer.status_code == 401 and "not right" in answer.text
        assert client.get("/console").headers.get("location") == "/console/login"
    assert "guess-123" not in capfd.readouterr().err


def test_a_post_without_the_csrf_token_is_refused(console: httpx.Client) -> None:
    assert console.post("/console/logout").status_code == 403
    assert console.post("/console/logout", data={"_csrf": "forged"}).status_code == 403
    assert console.get("/console").status_code == 200  # still signed in


def test_sign_in_needs_the_csrf_token_too(live_server: str) -> None:
    answer = httpx.post(f"{live_server}/console/login", data={"key": OPERATOR_KEY})
    assert answer.status_code == 403


def test_sign_out_ends_the_session(console: httpx.Client) -> None:
    page = console.get("/console")
    assert console.post("/console/logout", data={"_csrf": token(page)}).status_code == 303
    assert console.get("/console").headers.get("location") == "/console/login"


def book_see_and_cancel(retell: RetellClient, console: httpx.Client) -> str:
    booked = retell.tool(
        "book_appointment",
        {"service": "Cleaning", "start": "2027-04-13T09:00", "name": "Ada Lovelace"},
        retell_call("call_console"),
    )
    appointment_id: str = booked["appointment"]["appointment_id"]
    day = console.get("/console?date=2027-04-13")
    assert appointment_id in day.text and "9:00 am" in day.text and "Ada Lovelace" in day.text
    assert "0123" not in day.text  # the number is masked
    page = console.get(f"/console/appointments/{appointment_id}")
    assert "book_appointment" in page.text and "call_console" in page.text
    assert "start: 2027-04-13T09:00" in page.text  # what the tool call asked for
    confirm = console.get(f"/console/appointments/{appointment_id}/cancel")
    assert "Yes, cancel it" in confirm.text
    done = console.post(
        f"/console/appointments/{appointment_id}/cancel", data={"_csrf": token(confirm)}
    )
    assert done.status_code == 303
    assert 'id="status">cancelled' in console.get(done.headers["location"]).text
    return appointment_id


async def test_a_booking_shows_on_its_day_and_cancelling_it_is_recorded_as_the_operators(
    retell: RetellClient, console: httpx.Client, clean_pool: asyncpg.Pool
) -> None:
    appointment_id = await asyncio.to_thread(book_see_and_cancel, retell, console)
    status = await clean_pool.fetchval(
        "select status from appointments where id = $1", appointment_id
    )
    actor = await clean_pool.fetchval(
        "select actor from appointment_history where appointment_id = $1 and action = 'cancelled'",
        appointment_id,
    )
    assert (status, actor) == ("cancelled", "operator")


def test_every_page_renders(console: httpx.Client, retell: RetellClient) -> None:
    asked = {"service": "Cleaning", "when": "tomorrow"}
    retell.tool("find_slots", asked, retell_call("call_pages"))
    for path in (
        "/console",
        "/console/week",
        "/console/calls",
        "/console/calls/call_pages",
        "/console/health",
        "/console/insights",
    ):
        answer = console.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
    insights = console.get("/console/insights").text
    assert insights.count("<svg") == 4  # calls, conversion, hours, tool latency


def test_wrong_keys_are_rate_limited_per_source(database_url: str, tmp_path: Path) -> None:
    settings = replace(settings_for(database_url, tmp_path), refused_limit_per_minute=3)
    with running(settings) as url, httpx.Client(base_url=url) as client:
        form = token(client.get("/console/login"))
        codes = [
            client.post("/console/login", data={"key": f"wrong-{i}", "_csrf": form}).status_code
            for i in range(5)
        ]
        assert codes == [401, 401, 401, 429, 429]
