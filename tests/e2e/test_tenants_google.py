"""Two businesses on Google Calendar with their own keys (``[calendar] credentials_env``): one
watch channel per calendar, and one business's Google failing slowly costs the other nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.settings import Settings
from tests.conftest import FIXTURES
from tests.e2e.conftest import OPERATOR_KEY, RETELL_KEY, RetellClient, retell_call, running
from tests.fakes.google_calendar import FakeGoogle, make_service_account
from tests.fakes.serving import free_port, serving

DENTAL_CAL, LONDON_CAL = "dental@example.com", "london@example.com"
THIRD_CAL = "third@example.com"
SLOW_TOKEN_SECONDS = 3.0


def business_file(
    directory: Path, fixture: str, agent: str, calendar: str, env: str, name: str = ""
) -> Path:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    if name:
        text = text.replace('id = "test-dental"', f'id = "{name}"')
    text += (
        f'\n[retell]\nagent_ids = ["{agent}"]\n'
        f'\n[calendar]\nid = "{calendar}"\ncredentials_env = "{env}"\n'
    )
    path = directory / f"{name or fixture.removesuffix('.toml')}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class World:
    google: FakeGoogle
    retell: RetellClient
    url: str
    directory: Path


@pytest.fixture(scope="module")
def two_googles(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Dental's key works; London's token endpoint answers 503 after 3 seconds."""
    healthy, slow = FakeGoogle(), FakeGoogle()
    healthy.events[DENTAL_CAL] = {}
    slow.latency["token"] = SLOW_TOKEN_SECONDS
    slow.fail("token", *([503] * 50))
    directory = tmp_path_factory.mktemp("google-businesses")
    business_file(directory, "business.toml", "agent_dental", DENTAL_CAL, "GOOGLE_KEY_DENTAL")
    business_file(directory, "london.toml", "agent_london", LONDON_CAL, "GOOGLE_KEY_LONDON")
    with (
        serving(healthy.app()) as healthy_url,
        serving(slow.app()) as slow_url,
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv("GOOGLE_KEY_DENTAL", make_service_account(healthy_url))
        env.setenv("GOOGLE_KEY_LONDON", make_service_account(slow_url))
        env.setenv("GOOGLE_KEY_THIRD", make_service_account(healthy_url))
        port = free_port()
        settings = Settings(
            port=port,
            data_dir=Path(tmp_path_factory.mktemp("google-tenants-data")),
            business_config=directory,
            database_url=database_url,
            retell_api_key=RETELL_KEY,
            google_api_base_url=healthy_url,
            google_poll_seconds=3600,
            public_base_url=f"http://127.0.0.1:{port}",
            operator_api_key=OPERATOR_KEY,
        )
        with running(settings) as url:
            deadline = time.monotonic() + 10  # channels are opened in the background
            while not healthy.channels and time.monotonic() < deadline:
                time.sleep(0.05)
            client = RetellClient(url)
            yield World(healthy, client, url, directory)
            client.http.close()


def at(agent: str, call_id: str) -> dict[str, object]:
    call = retell_call(call_id)
    call["agent_id"] = agent
    return call


def test_each_business_watches_its_own_calendar_with_one_channel(two_googles: World) -> None:
    assert [c["calendar"] for c in two_googles.google.channels.values()] == [DENTAL_CAL]


def test_one_business_s_slow_failing_google_does_not_slow_another_s_calls(
    two_googles: World,
) -> None:
    retell = two_googles.retell
    find = {"service": "Cleaning", "when": "next tuesday"}
    consult = {"service": "Consultation", "when": "next tuesday"}
    with ThreadPoolExecutor(max_workers=1) as pool:
        stuck = pool.submit(retell.tool, "find_slots", consult, at("agent_london", "call_gl_1"))
        time.sleep(0.3)  # London's request is now waiting on its token endpoint
        began = time.monotonic()
        dental = retell.tool("find_slots", find, at("agent_dental", "call_gd_1"))
        dental_seconds = time.monotonic() - began
        london = stuck.result(timeout=30)
        london_seconds = time.monotonic() - began
    assert dental["ok"] and dental["slots"], dental
    assert dental_seconds < 1.5
    assert (london["ok"], london["error"]) == (False, "calendar_unavailable")
    assert london_seconds > SLOW_TOKEN_SECONDS / 2  # it really was waiting meanwhile


def channels_on(google: FakeGoogle, calendar: str, *, count: int) -> int:
    """How many channels watch ``calendar`` once it has ``count`` (10 s at most)."""
    deadline = time.monotonic() + 10
    while True:
        found = sum(1 for c in google.channels.values() if c["calendar"] == calendar)
        if found == count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_a_business_added_by_reload_gets_its_calendar_watched_and_a_removed_one_stops(
    two_googles: World,
) -> None:
    bearer = {"authorization": f"Bearer {OPERATOR_KEY}"}
    added = business_file(
        two_googles.directory,
        "business.toml",
        "agent_third",
        THIRD_CAL,
        "GOOGLE_KEY_THIRD",
        name="third-dental",
    )
    try:
        reloaded = httpx.post(f"{two_googles.url}/operator/reload", headers=bearer)
        assert reloaded.json()["added"] == ["third-dental"], reloaded.text
        assert channels_on(two_googles.google, THIRD_CAL, count=1) == 1
    finally:
        added.unlink()
    removed = httpx.post(f"{two_googles.url}/operator/reload", headers=bearer)
    assert removed.json()["removed"] == ["third-dental"], removed.text
    assert channels_on(two_googles.google, THIRD_CAL, count=0) == 0  # stopped at Google
    assert channels_on(two_googles.google, DENTAL_CAL, count=1) == 1  # the others untouched


def test_a_notification_syncs_the_business_whose_channel_it_names(two_googles: World) -> None:
    google = two_googles.google
    channel = next(c for c in google.channels.values() if c["calendar"] == DENTAL_CAL)
    listed = len([r for r in google.requests if r[0] == "list"])
    headers = {
        "X-Goog-Channel-ID": channel["id"],
        "X-Goog-Channel-Token": channel["token"],
        "X-Goog-Resource-State": "exists",
    }
    sent = httpx.post(f"{two_googles.url}/google/notifications", headers=headers)
    wrong = httpx.post(
        f"{two_googles.url}/google/notifications",
        headers={**headers, "X-Goog-Channel-Token": "not-it"},
    )
    unknown = httpx.post(
        f"{two_googles.url}/google/notifications",
        headers={**headers, "X-Goog-Channel-ID": "fd-nobody"},
    )
    assert (sent.status_code, wrong.status_code, unknown.status_code) == (200, 401, 404)
    deadline = time.monotonic() + 10
    while len([r for r in google.requests if r[0] == "list"]) == listed:
        assert time.monotonic() < deadline, "no sync followed the notification"
        time.sleep(0.05)
    assert f"/calendars/{DENTAL_CAL}/" in [r for r in google.requests if r[0] == "list"][-1][1]


def test_google_request_counts_are_reported_per_business(two_googles: World) -> None:
    lines = httpx.get(f"{two_googles.url}/metrics").text.splitlines()

    def count(business: str) -> float:
        wanted = f'frontdesk_calendar_requests_total{{business="{business}",outcome="sent"}}'
        return sum(float(x.rsplit(" ", 1)[1]) for x in lines if x.startswith(wanted))

    assert count("test-dental") > 0  # its sync, watch and searches went to Google
    assert count("london-clinic") == 0  # it never got a token: nothing was sent
    assert any(
        x.startswith('frontdesk_calendar_requests_total{business="london-clinic"') for x in lines
    )
