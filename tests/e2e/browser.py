"""A headless Chromium for the console's browser tests: Debian's ``chromium`` (or
``CHROMIUM_PATH``) driven by Playwright. Without one the tests are skipped, and the run says so
in one line at the end (tests/e2e/conftest.py), never silently."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

SKIPPED: list[str] = []


def chromium_path() -> str | None:
    given = os.environ.get("CHROMIUM_PATH")
    if given:
        return given if Path(given).exists() else None
    for name in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(name).exists():
            return name
    return shutil.which("chromium")


NO_BROWSER = "console browser tests skipped: no Chromium (apt-get install chromium)"


def needs_chromium() -> str:
    found = chromium_path()
    if found is None:
        if not SKIPPED:
            SKIPPED.append(NO_BROWSER)
        pytest.skip(NO_BROWSER)
    return found


def launched(executable: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # imported only when a browser is there

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield browser
        finally:
            browser.close()
