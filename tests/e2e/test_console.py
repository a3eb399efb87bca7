"""The console over HTTP: sign-in, sessions, CSRF, and what the pages show (issue 14). The
same flows in a real browser: tests/e2e/test_console_browser.py."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import asyncpg
import httpx

from app.console.session import ConsoleSession, seal
from tests.e2e.conftest import RetellClient, eventually, retell_call
from tests.e2e.console_server import OPERATOR_KEY, console_server

__all__ = ["console_server"]


@contextmanager
def signed_in(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=10) as client:
        page = client.get("/console/login")
        answer = client.post("/console/login", data={"key": OPERATOR_KEY, "csrf": csrf_of(page)})
        assert answer.status_code == 303 and answer.headers["location"] == "/console"
        yield client


def csrf_of(page: httpx.Response) -> str:
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    return token[1]


def book_with(base: str, who: str, call_id: str) -> dict[str, object]:
    retell = RetellClient(base)
    found = retell.tool(
        "find_slots",
        {"service": "Checkup", "when": "2027-03-11", "staff": who},
        call=retell_call(call_id),
    )
    booked = retell.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Ada Lovelace"},
        call=retell_call(call_id),
    )
    retell.http.close()
    assert booked["ok"], booked
    appointment: dict[str, object] = booked["appointment"]
    return appointment


def test_every_page_without_a_session_sends_you_to_sign_in(console_server: str) -> None:
    for path in ("/console", "/console/appointments/apt_x", "/console?date=2027-03-11"):
        answer = httpx.get(console_server + path)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login"


def test_a_wrong_key_is_refused_without_a_session(console_server: str) -> None:
    with httpx.Client(base_url=console_server) as client:
        token = csrf_of(client.get("/console/login"))
        answer = client.post("/console/login", data={"key": "wrong", "csrf": token})
        assert answer.status_code == 401 and "That key is not right." in answer.text
        assert "fd_console" not in client.cookies
        assert client.get("/console").status_code == 303


def test_signing_in_needs_the_forms_own_token(console_server: str) -> None:
    answer = httpx.post(console_server + "/console/login", data={"key": OPERATOR_KEY})
    assert answer.status_code == 403
    assert "fd_console" not in answer.cookies


def test_the_session_cookie_is_http_only_and_same_site(console_server: str) -> None:
    with httpx.Client(base_url=console_server) as client:
        token = csrf_of(client.get("/console/login"))
        answer = client.post("/console/login", data={"key": OPERATOR_KEY, "csrf": token})
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=28800" in cookie


async def test_the_day_shows_a_booking_in_its_persons_column(
    console_server: str, clean_pool: asyncpg.Pool
) -> None:
    book_with(console_server, "Lena", "call_console_day")
    with signed_in(console_server) as client:
        page = client.get("/console?date=2027-03-11")
    assert page.status_code == 200
    lena = page.text.split('<h2 id="col-3">Lena Ruiz</h2>')[1].split("</section>")[0]
    assert "Ada Lovelace" in lena and "9 AM to 9:30 AM" in lena and "••• 0123" in lena
    maya = page.text.split('<h2 id="col-1">Dr. Maya Patel</h2>')[1].split("</section>")[0]
    assert "Nothing booked." in maya


async def test_a_cancel_without_the_token_changes_nothing(
    console_server: str, clean_pool: asyncpg.Pool
) -> None:
    appointment = book_with(console_server, "Maya", "call_console_csrf")
    with signed_in(console_server) as client:
        answer = client.post(f"/console/appointments/{appointment['appointment_id']}/cancel")
    assert answer.status_code == 403
    status = await clean_pool.fetchval(
        "select status from appointments where id = $1", appointment["appointment_id"]
    )
    assert status == "booked"


async def test_cancelling_in_the_console_is_recorded_as_the_operators(
    console_server: str, clean_pool: asyncpg.Pool
) -> None:
    appointment = book_with(console_server, "Maya", "call_console_cancel")
    path = f"/console/appointments/{appointment['appointment_id']}"
    with signed_in(console_server) as client:
        confirm = client.get(path + "/cancel")
        assert "Cancel this appointment?" in confirm.text
        done = client.post(path + "/cancel", data={"csrf": csrf_of(confirm)})
        assert done.status_code == 303 and done.headers["location"] == path
        await eventually(  # tool-call records are written in batches, off the request path
            clean_pool,
            "select count(*) from tool_calls where call_id = $1 and tool = 'book_appointment'",
            "call_console_cancel",
            expect=1,
        )
        page = client.get(path)
    assert "cancelled</span> by operator (cancelled in the console)" in page.text
    assert "book_appointment" in page.text  # the call's tool calls


def test_signing_out_ends_the_session(console_server: str) -> None:
    with signed_in(console_server) as client:
        day = client.get("/console")
        answer = client.post("/console/logout", data={"csrf": csrf_of(day)})
        assert answer.status_code == 303
        assert client.get("/console").status_code == 303


async def test_the_report_pages_show_the_calls_their_outcome_and_the_numbers(
    console_server: str, clean_pool: asyncpg.Pool
) -> None:
    appointment = book_with(console_server, "Sam", "call_console_reports")
    await eventually(  # tool-call records are written in batches, just after the replies
        clean_pool,
        "select count(*) from tool_calls where call_id = 'call_console_reports'",
        expect=2,
    )
    await clean_pool.execute(
        "update tool_calls set created_at = $1 where call_id = 'call_console_reports'",
        datetime(2027, 3, 10, 14, 30, tzinfo=UTC),  # 9:30 AM in New York, "today" (NOW)
    )
    with signed_in(console_server) as client:
        calls = client.get("/console/calls")
        assert calls.status_code == 200
        assert "/console/calls/call_console_reports" in calls.text
        assert '<td class="outcome">booked</td>' in calls.text
        call = client.get("/console/calls/call_console_reports")
        assert "find_slots" in call.text and "book_appointment" in call.text
        assert "when: 2027-03-11<br>staff: Sam" in call.text  # what was asked, not who asked
        assert f"/console/appointments/{appointment['appointment_id']}" in call.text
        insights = client.get("/console/insights")
        assert "1 call, 1 booked: 100% of calls to bookings." in insights.text
        assert "<svg" in insights.text and "Mar 10: 1 (1 booked)" in insights.text
        assert "9:00: 1 calls" in insights.text
        assert insights.text.count("<svg") == 3  # calls per day, by hour, tool latency
        assert re.search(r"<title>book_appointment p95: [0-9.]+ ms</title>", insights.text)
        health = client.get("/console/health")
        assert "Calendar backlog" in health.text and "<dt>Database</dt><dd>ok</dd>" in health.text
        week = client.get("/console/week?date=2027-03-11")
        assert "Week of Monday, March 8, 2027" in week.text and "with Sam Okafor" in week.text


async def test_a_resync_from_the_console_is_noted_in_the_history(
    console_server: str, clean_pool: asyncpg.Pool
) -> None:
    appointment = book_with(console_server, "Maya", "call_console_resync")
    path = f"/console/appointments/{appointment['appointment_id']}"
    with signed_in(console_server) as client:
        page = client.get(path)
        assert client.post(path + "/resync").status_code == 403  # no token
        done = client.post(path + "/resync", data={"csrf": csrf_of(page)})
        assert done.status_code == 303
        assert "resync</span> by operator (asked in the console)" in client.get(path).text


async def test_a_message_taken_in_a_call_waits_in_the_inbox_until_handled(
    console_server: str, clean_pool: asyncpg.Pool
) -> None:
    await clean_pool.execute("truncate messages, outbox")
    retell = RetellClient(console_server)
    taken = retell.tool(
        "take_message",
        {"name": "Grace Hopper", "message": "My filling fell out", "urgent": True},
        # a call id of this run's own: Redis keeps the replies of earlier runs
        call=retell_call(f"call_console_message_{secrets.token_hex(4)}"),
    )
    retell.http.close()
    assert taken["ok"], taken
    with signed_in(console_server) as client:
        inbox = client.get("/console/messages")
        assert "<strong>Urgent</strong>" in inbox.text and "My filling fell out" in inbox.text
        assert "••• 0123" in inbox.text
        path = f"/console/messages/{taken['message_id']}/handled"
        assert client.post(path).status_code == 403  # no token
        assert client.post(path, data={"csrf": csrf_of(inbox)}).status_code == 303
        assert "Handled " in client.get("/console/messages").text
    row = await clean_pool.fetchrow("select handled_by, handled_at from messages")
    assert row["handled_by"] == "operator" and row["handled_at"] is not None


def test_a_session_for_another_business_is_sent_to_sign_in(console_server: str) -> None:
    other = seal(ConsoleSession.new("another-clinic"), OPERATOR_KEY)
    own = seal(ConsoleSession.new("test-clinic"), OPERATOR_KEY)
    with httpx.Client(base_url=console_server, cookies={"fd_console": other}) as client:
        refused = client.get("/console")
    with httpx.Client(base_url=console_server, cookies={"fd_console": own}) as client:
        seen = client.get("/console")
    assert (refused.status_code, refused.headers.get("location")) == (303, "/console/login")
    assert seen.status_code == 200
