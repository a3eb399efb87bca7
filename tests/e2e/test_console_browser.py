"""The console in a real browser: Debian's Chromium driven by Playwright (issue 14). Screenshots
of each page go under the test's temporary directory. Without a Chromium the tests are skipped,
and the run says so in one line (tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.conftest import BROWSER_MISSING
from tests.e2e.console_server import OPERATOR_KEY, console_server
from tests.e2e.test_console import book_with

__all__ = ["console_server"]

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=BROWSER_MISSING)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        await launched.close()


async def sign_in(page: Page, base: str, key: str = OPERATOR_KEY) -> None:
    await page.goto(base + "/console")
    assert page.url.endswith("/console/login")  # no session: off to sign in
    await page.get_by_label("Operator key").fill(key)
    await page.get_by_role("button", name="Sign in").click()


async def test_an_owner_signs_in_sees_the_booking_under_its_person_and_cancels_it(
    browser: Browser, console_server: str, clean_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    appointment = book_with(console_server, "Lena", "call_browser")
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await sign_in(page, console_server)
    await page.goto(console_server + "/console?date=2027-03-11")
    await page.screenshot(path=tmp_path / "day.png", full_page=True)
    lena = page.locator("section.column", has=page.get_by_role("heading", name="Lena Ruiz"))
    await lena.get_by_text("Ada Lovelace").click()
    await page.wait_for_url(f"**/console/appointments/{appointment['appointment_id']}")
    assert await page.get_by_role("cell", name="book_appointment").count() == 1
    await page.screenshot(path=tmp_path / "appointment.png", full_page=True)
    await page.get_by_role("link", name="Cancel this appointment").click()
    await page.screenshot(path=tmp_path / "cancel.png", full_page=True)
    await page.get_by_role("button", name="Yes, cancel it").click()
    await page.wait_for_url(f"**/console/appointments/{appointment['appointment_id']}")
    assert await page.get_by_text("by operator (cancelled in the console)").count() == 1
    status = await clean_pool.fetchval(
        "select status from appointments where id = $1", appointment["appointment_id"]
    )
    assert status == "cancelled"
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [  # noqa: ASYNC240
        "appointment.png",
        "cancel.png",
        "day.png",
    ]


async def test_a_wrong_key_is_refused_in_the_browser(
    browser: Browser, console_server: str, tmp_path: Path
) -> None:
    page = await browser.new_page()
    await sign_in(page, console_server, key="not the key")
    await page.get_by_role("alert").wait_for()
    assert await page.get_by_role("alert").inner_text() == "That key is not right."
    await page.screenshot(path=tmp_path / "refused.png")
    await page.goto(console_server + "/console")
    assert page.url.endswith("/console/login")


PAGES = {
    "day": "/console?date=2027-03-11",
    "week": "/console/week?date=2027-03-11",
    "calls": "/console/calls",
    "call": "/console/calls/call_phone_width",
    "health": "/console/health",
    "insights": "/console/insights",
    "messages": "/console/messages",
}


async def test_every_page_fits_a_phone_without_sideways_scrolling(
    browser: Browser, console_server: str, clean_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    appointment = book_with(console_server, "Maya", "call_phone_width")
    page = await browser.new_page(viewport={"width": 390, "height": 844})
    await sign_in(page, console_server)
    pages = {**PAGES, "appointment": f"/console/appointments/{appointment['appointment_id']}"}
    for name, path in pages.items():
        answer = await page.goto(console_server + path)
        assert answer is not None and answer.status == 200, name
        await page.screenshot(path=tmp_path / f"{name}-phone.png", full_page=True)
        widths = await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], name
