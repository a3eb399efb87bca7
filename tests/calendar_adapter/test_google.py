"""The Google adapter against a local server speaking Calendar v3."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from calendar_adapter.google import CONCURRENT_REQUESTS, GoogleCalendar, SyncTokenExpiredError
from calendar_adapter.google_auth import load_credentials
from calendar_adapter.protocol import CalendarUnavailableError, NewEvent
from tests.fakes.google_calendar import FakeGoogle
from tests.fakes.serving import serving

CAL = "frontdesk@group.calendar.google.com"
NINE = datetime(2027, 3, 11, 14, tzinfo=UTC)
EVENT = NewEvent("fdabc123", NINE, NINE + timedelta(hours=1), "Cleaning: Ada", "", "apt_1")


def span(start: datetime, end: datetime) -> tuple[int, int]:
    return int(start.timestamp()), int(end.timestamp())


async def test_an_event_is_created_once_and_counts_as_busy(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.events[CAL] = {}
    await google.create_event(CAL, EVENT)
    await google.create_event(CAL, EVENT)  # a retry: 409, confirmed with a get
    assert list(fake_google.events[CAL]) == ["fdabc123"]
    stored = fake_google.events[CAL]["fdabc123"]
    assert stored["extendedProperties"]["private"]["frontdesk_appointment"] == "apt_1"
    busy = await google.busy([CAL], NINE - timedelta(days=1), NINE + timedelta(days=1))
    assert busy == {CAL: [span(EVENT.start, EVENT.end)]}
    assert fake_google.violations == []


async def test_long_ranges_are_asked_in_chunks(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.events[CAL] = {}
    await google.busy([CAL], NINE, NINE + timedelta(days=200))
    assert [r for r, _ in fake_google.requests].count("freeBusy") == 3


async def test_move_delete_and_read_back(google: GoogleCalendar, fake_google: FakeGoogle) -> None:
    fake_google.events[CAL] = {}
    await google.create_event(CAL, EVENT)
    later = NINE + timedelta(hours=2)
    await google.move_event(CAL, EVENT.event_id, later, later + timedelta(hours=1))
    assert await google.event_times(CAL, EVENT.event_id) == (later, later + timedelta(hours=1))
    await google.delete_event(CAL, EVENT.event_id)
    await google.delete_event(CAL, EVENT.event_id)  # 410: already deleted is fine
    assert await google.event_times(CAL, EVENT.event_id) is None
    with pytest.raises(LookupError):
        await google.move_event(CAL, "fdnope", later, later + timedelta(hours=1))
    # Re-creating a deleted id (Google keeps it as cancelled) revives it.
    await google.create_event(CAL, EVENT)
    assert await google.event_times(CAL, EVENT.event_id) == (EVENT.start, EVENT.end)
    assert fake_google.violations == []


async def test_transient_errors_are_retried(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.events[CAL] = {}
    fake_google.fail("insert", 503, 429, 403)
    await google.create_event(CAL, EVENT)
    assert [r for r, _ in fake_google.requests].count("insert") == 4
    assert "fdabc123" in fake_google.events[CAL]


async def test_a_calendar_that_keeps_failing_is_unavailable_within_the_deadline(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.events[CAL] = {}
    fake_google.fail("freeBusy", *[500] * 10)
    with pytest.raises(CalendarUnavailableError):
        await google.busy([CAL], NINE, NINE + timedelta(days=1))


async def test_a_slow_calendar_is_unavailable_at_the_deadline(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.events[CAL] = {}
    fake_google.latency["freeBusy"] = 5
    began = datetime.now(UTC)
    with pytest.raises(CalendarUnavailableError):
        await google.busy([CAL], NINE, NINE + timedelta(days=1))
    assert datetime.now(UTC) - began < timedelta(seconds=3)


async def test_at_most_ten_requests_go_to_google_at_once_and_the_rest_wait_their_turn(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.events[CAL] = {}
    fake_google.latency["freeBusy"] = 0.05
    asked = [google.busy([CAL], NINE, NINE + timedelta(hours=h)) for h in range(1, 26)]
    answers = await asyncio.gather(*asked)
    assert len(answers) == 25 and all(a == {CAL: []} for a in answers)
    assert fake_google.most_in_flight == CONCURRENT_REQUESTS == 10


async def test_permanent_errors_are_not_retried(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    with pytest.raises(CalendarUnavailableError):  # an unknown calendar: per-calendar error
        await google.busy(["nobody@example.com"], NINE, NINE + timedelta(days=1))
    fake_google.events[CAL] = {}
    fake_google.fail("insert", 400)
    with pytest.raises(CalendarUnavailableError):
        await google.create_event(CAL, EVENT)
    assert [r for r, _ in fake_google.requests].count("insert") == 1


async def test_changes_are_listed_across_pages_then_incrementally(
    google: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    for index in range(5):
        start = NINE + timedelta(hours=index)
        fake_google.put_event(
            CAL,
            {
                "id": f"staff{index}",
                "start": {"dateTime": start.isoformat()},
                "end": {"dateTime": (start + timedelta(minutes=30)).isoformat()},
            },
        )
    changes, token = await google.list_changes(CAL, None, NINE - timedelta(days=1))
    assert [c.event_id for c in changes] == [f"staff{i}" for i in range(5)]
    fake_google.remove_event(CAL, "staff2")
    changes, token = await google.list_changes(CAL, token, NINE)
    assert [(c.event_id, c.cancelled) for c in changes] == [("staff2", True)]
    fake_google.expire_sync_tokens()
    with pytest.raises(SyncTokenExpiredError):
        await google.list_changes(CAL, token, NINE)


async def test_watch_and_stop_a_channel(google: GoogleCalendar, fake_google: FakeGoogle) -> None:
    channel = await google.watch(CAL, "chan-1", "secret", "https://example.com/n", 3600)
    assert channel.resource_id == f"res-{CAL}"
    assert channel.expires_at > datetime.now(UTC) + timedelta(minutes=59)
    await google.stop_channel("chan-1", channel.resource_id)
    assert fake_google.channels == {}
    assert fake_google.violations == []


def self_signed(directory: Path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 that no certificate authority vouches for."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(certfile), str(keyfile)


async def test_a_google_endpoint_whose_certificate_no_authority_vouches_for_is_refused(
    fake_google: FakeGoogle, service_account_json: str, tmp_path: Path
) -> None:
    fake_google.events[CAL] = {}
    with serving(fake_google.app(), tls=self_signed(tmp_path)) as impostor:
        calendar = GoogleCalendar(
            load_credentials(service_account_json), base_url=impostor, deadline_seconds=2.0
        )
        try:
            with pytest.raises(CalendarUnavailableError):
                await calendar.busy([CAL], NINE, NINE + timedelta(days=1))
        finally:
            await calendar.aclose()
    assert [route for route, _ in fake_google.requests if route != "token"] == []
