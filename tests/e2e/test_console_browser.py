"""The console in a real headless Chromium against the app as a process of its own, serving a
clinic whose people keep their own Google calendars (the stand-in on loopback). Screenshots of
each page go under the test's temp dir."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import FIXTURES
from tests.e2e.browser import launched, needs_chromium
from tests.e2e.conftest import OPERATOR_KEY, RETELL_KEY, RetellClient, retell_call
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import free_port, serving

SHARED = "team@clinic.test"
PEOPLE = ("maya@clinic.test", "sam@clinic.test", "lena@clinic.test")
THURSDAY = "2027-03-11"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def world(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FakeGoogle, str]]:
    needs_chromium()
    fake = FakeGoogle()
    data_dir = tmp_path_factory.mktemp("console-data")
    with serving(fake.app()) as google_url:
        for calendar in (SHARED, *PEOPLE):
            fake.events[calendar] = {}
        port = free_port()
        env = {
            **os.environ,
            "PORT": str(port),
            "DATA_DIR": str(data_dir),
            "BUSINESS_CONFIG": str(FIXTURES / "clinic.toml"),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "RETELL_API_KEY": RETELL_KEY,
            "OPERATOR_API_KEY": OPERATOR_KEY,
            "GOOGLE_CALENDAR_ID": SHARED,
            "GOOGLE_CREDENTIALS": make_service_account(google_url),
            "GOOGLE_API_BASE_URL": google_url,
            "GOOGLE_POLL_SECONDS": "3600",
            "RECONCILE_EVERY_SECONDS": "3600",
        }
        log = (data_dir / "app.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.app_process"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process)
            yield fake, url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 40
    while True:
        try:
            if httpx.get(f"{url}/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("the app process did not start")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched(needs_chromium())


@pytest.fixture
def page(browser: Any, world: tuple[FakeGoogle, str]) -> Iterator[Any]:
    context = browser.new_context(base_url=world[1], viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def sign_in(page: Any, key: str = OPERATOR_KEY) -> None:
    page.goto("/console/login")
    page.get_by_label("Operator key").fill(key)
    page.get_by_role("button", name="Sign in").click()


def ours(fake: FakeGoogle, calendar: str) -> list[dict[str, Any]]:
    return [
        e
        for e in fake.events[calendar].values()
        if e.get("status") != "cancelled" and e.get("extendedProperties")
    ]


def test_the_operator_signs_in_and_lands_on_todays_day_view(page: Any, tmp_path: Path) -> None:
    page.goto("/console/week")
    assert page.url.endswith("/console/login")
    sign_in(page)
    page.wait_for_url("**/console")
    assert page.get_by_role("heading", level=1).inner_text() == "Wed 10 Mar 2027"
    assert page.get_by_role("heading", name="Dr. Maya Patel").is_visible()
    page.screenshot(path=tmp_path / "day.png", full_page=True)


def test_a_wrong_key_is_refused(page: Any, tmp_path: Path) -> None:
    sign_in(page, "not-the-key")
    assert page.get_by_role("alert").inner_text() == "That key is not right."
    page.screenshot(path=tmp_path / "refused.png")
    page.goto("/console")
    assert page.url.endswith("/console/login")


def test_a_webhook_booking_is_seen_under_its_person_traced_and_cancelled_from_the_console(
    page: Any, world: tuple[FakeGoogle, str], tmp_path: Path
) -> None:
    fake, url = world
    retell = RetellClient(url)
    found = retell.tool("find_slots", {"service": "Checkup", "when": THURSDAY, "staff": "Sam"})
    booked = retell.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Grace Hopper"},
        retell_call("call_browser"),
    )
    retell.http.close()
    appointment_id = booked["appointment"]["appointment_id"]
    assert len(ours(fake, "sam@clinic.test")) == 1
    sign_in(page)
    page.goto(f"/console?date={THURSDAY}")
    sams = page.locator("section.column", has=page.get_by_role("heading", name="Sam Okafor"))
    card = sams.locator(f'[data-appointment="{appointment_id}"]')
    assert "Grace Hopper" in card.inner_text()
    page.screenshot(path=tmp_path / "day-with-booking.png", full_page=True)
    card.click()
    page.wait_for_url(f"**/console/appointments/{appointment_id}")
    tools = page.locator("tr.tool-call").all_inner_texts()
    assert any("book_appointment" in t and "ok" in t for t in tools)
    assert any(f"slot_id: {found['slots'][0]['slot_id']}" in t for t in tools)  # what it asked
    assert any("find_slots" in t for t in tools) is False  # another call: not this one's trace
    page.screenshot(path=tmp_path / "appointment.png", full_page=True)
    page.get_by_role("link", name="Cancel appointment…").click()
    page.screenshot(path=tmp_path / "confirm-cancel.png", full_page=True)
    page.get_by_role("button", name="Yes, cancel it").click()
    page.wait_for_url(f"**/console/appointments/{appointment_id}")
    assert page.locator("#status").inner_text() == "cancelled"
    assert "cancelled by operator" in page.locator("ol.history").inner_text()
    assert ours(fake, "sam@clinic.test") == []


def test_a_form_posted_without_its_csrf_token_is_refused(page: Any) -> None:
    sign_in(page)
    page.wait_for_url("**/console")
    page.evaluate("document.querySelector('form.inline input[name=_csrf]').remove()")
    with page.expect_response(lambda r: r.url.endswith("/console/logout")) as answer:
        page.get_by_role("button", name="Sign out").click()
    assert answer.value.status == 403
    page.goto("/console")
    assert page.url.endswith("/console")  # still signed in: the forged sign-out did nothing


@pytest.mark.parametrize(
    "path", ["/console", "/console/week", "/console/calls", "/console/health", "/console/insights"]
)
def test_at_phone_width_no_page_scrolls_sideways(
    browser: Any, world: tuple[FakeGoogle, str], path: str, tmp_path: Path
) -> None:
    context = browser.new_context(base_url=world[1], viewport=PHONE, is_mobile=True)
    page = context.new_page()
    sign_in(page)
    page.wait_for_url("**/console")
    page.goto(path)
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=tmp_path / "phone.png", full_page=True)
    context.close()
    assert wide <= PHONE["width"]
