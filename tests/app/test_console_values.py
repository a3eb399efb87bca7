"""The console's session cookie and its day columns, as values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent_tools.business import Business
from agent_tools.ports import Appointment
from app.console.columns import columns
from app.console.session import LIFETIME_SECONDS, ConsoleSession, seal, unseal
from app.console.views import masked

KEY = "op_key_1"
T0 = 1_800_000_000.0


def test_a_sealed_session_opens_with_the_same_key_until_it_expires() -> None:
    session = ConsoleSession.new(now=T0)
    cookie = seal(session, KEY)
    assert unseal(cookie, KEY, now=T0 + 60) == session
    assert unseal(cookie, KEY, now=T0 + LIFETIME_SECONDS + 1) is None
    assert unseal(cookie, "another key", now=T0) is None  # a new operator key signs all out


def test_a_tampered_or_garbled_cookie_is_no_session() -> None:
    cookie = seal(ConsoleSession.new(now=T0), KEY)
    body, _, mac = cookie.partition(".")
    forged = seal(ConsoleSession(int(T0) + 10**9, "x"), "guess")
    assert unseal(body + "." + mac[:-1] + ("0" if mac[-1] != "0" else "1"), KEY, now=T0) is None
    assert unseal(forged, KEY, now=T0) is None
    assert unseal("", KEY, now=T0) is None
    assert unseal("not-base64.abc", KEY, now=T0) is None


def test_the_csrf_token_must_match_exactly() -> None:
    session = ConsoleSession.new(now=T0)
    assert session.accepts(session.csrf)
    assert not session.accepts("")
    assert not session.accepts(session.csrf[:-1])


def appointment(n: int, staff_id: str | None, hour: int) -> Appointment:
    start = datetime(2027, 3, 11, hour, tzinfo=UTC)
    return Appointment(
        appointment_id=f"apt_{n}",
        business_id="test-clinic",
        calendar_id="c",
        service="Checkup",
        start=start,
        end=start + timedelta(minutes=30),
        status="booked",
        customer_name=f"Caller {n}",
        customer_phone=None,
        customer_email=None,
        calendar_event_id=None,
        calendar_synced=True,
        updated_at=start,
        staff_id=staff_id,
    )


def test_the_day_has_a_column_per_person_in_time_order(clinic: Business) -> None:
    found = columns(
        clinic,
        [
            appointment(1, "lena-ruiz", 15),
            appointment(2, "maya", 14),
            appointment(3, "lena-ruiz", 13),
        ],
    )
    assert [c.title for c in found] == ["Dr. Maya Patel", "Sam Okafor", "Lena Ruiz"]
    assert [a.appointment_id for a in found[2].appointments] == ["apt_3", "apt_1"]
    assert found[1].appointments == []


def test_someone_no_longer_on_staff_gets_an_others_column(clinic: Business) -> None:
    found = columns(clinic, [appointment(1, "gone", 9)])
    assert found[-1].title == "Others" and len(found) == 4


def test_a_business_without_staff_has_one_column(business: Business) -> None:
    (only,) = columns(business, [appointment(1, None, 9)])
    assert only.title == business.name and len(only.appointments) == 1


def test_a_phone_is_masked_to_its_last_four_digits() -> None:
    assert masked("+14155550123") == "••• 0123"
    assert masked(None) == "no number"
