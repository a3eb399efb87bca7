"""Texts through Twilio's official client against a stand-in of its Messages API on loopback:
the owner hears of each message, callers of their bookings, STOP is honoured, and a Twilio
outage delays texts without losing them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.business import Notify
from agent_tools.change_appointment import (
    CancelAppointmentArgs,
    RescheduleAppointmentArgs,
    cancel_appointment,
    reschedule_appointment,
)
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from agent_tools.take_message import TakeMessageArgs, take_message
from app.db.messages import SqlMessageDesk
from app.db.operator_records import OperatorRecords
from app.outbox.deliver import Deliverer
from app.outbox.events import channels_of
from app.outbox.sms import Texter
from app.settings import Settings
from tests.fakes.serving import serving
from tests.fakes.twilio_api import FakeTwilio

CALL = CallContext(call_id="call_sms", from_number="+14155550123")
OWNER = "+12125550199"


@pytest.fixture
def twilio() -> Iterator[tuple[FakeTwilio, Settings]]:
    fake = FakeTwilio()
    with serving(fake.app()) as url:
        yield (
            fake,
            Settings(
                twilio_account_sid=fake.account_sid,
                twilio_auth_token=fake.auth_token,
                twilio_from_number="+12125550100",
                twilio_api_base_url=url,
            ),
        )


@pytest.fixture
async def texting(deps: Deps, clean_pool: asyncpg.Pool) -> tuple[Deps, OperatorRecords]:
    await clean_pool.execute(
        "truncate messages, outbox, business_channels, sms_opt_outs, business_reminders"
    )
    records = OperatorRecords.over_pool(clean_pool)
    business = replace(deps.business, notify=Notify(owner_phone=OWNER, sms_confirmations=True))
    await records.call("fd_set_channels", {"p_business": business.id, "p": channels_of(business)})
    return replace(deps, business=business, messages=SqlMessageDesk(records)), records


async def deliver_all(
    records: OperatorRecords,
    settings: Settings,
    deps: Deps,
    at: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Every due send, delivered as if it were ``at()``."""
    async with httpx.AsyncClient() as http:
        deliverer = Deliverer(
            records, http, Texter(settings), {deps.business.id: deps.business}, clock=at
        )
        while await deliverer.deliver_due():
            pass


async def book_first(deps: Deps, call: CallContext = CALL) -> None:
    found = await find_slots(FindSlotsArgs(service="Cleaning", when="2027-03-11"), call, deps)
    await book_appointment(
        BookAppointmentArgs(name="Ada Lovelace", slot_id=found.slots[0].slot_id), call, deps
    )


async def test_the_owner_is_texted_each_message(
    texting: tuple[Deps, OperatorRecords], twilio: tuple[FakeTwilio, Settings]
) -> None:
    deps, records = texting
    fake, settings = twilio
    await take_message(
        TakeMessageArgs(name="Grace", message="Call me about my bill.", urgent=True), CALL, deps
    )
    await deliver_all(records, settings, deps)
    assert [(t["To"], t["From"]) for t in fake.texts] == [(OWNER, "+12125550100")]
    assert fake.texts[0]["Body"] == (
        "Test Dental: URGENT message from Grace (+14155550123): Call me about my bill. "
        "Call back as soon as possible."
    )


async def test_a_caller_is_texted_their_booking_once(
    texting: tuple[Deps, OperatorRecords],
    twilio: tuple[FakeTwilio, Settings],
    clean_pool: asyncpg.Pool,
) -> None:
    deps, records = texting
    fake, settings = twilio
    fake.statuses = [500]  # Twilio fails once: the text waits, then goes
    await book_first(deps)
    await deliver_all(records, settings, deps)
    assert fake.texts == []
    assert await clean_pool.fetchval("select last_error from outbox where channel = 'sms'") == (
        "Twilio 500"
    )
    await clean_pool.execute("update outbox set due_at = now() where channel = 'sms'")
    await deliver_all(records, settings, deps)
    assert [t["Body"] for t in fake.texts] == [
        "Test Dental: your Cleaning is booked for Thursday, March 11 at 9 AM. "
        "To change it, call us."
    ]
    assert fake.texts[0]["To"] == "+14155550123"


async def test_a_number_that_replied_stop_is_not_texted(
    texting: tuple[Deps, OperatorRecords], twilio: tuple[FakeTwilio, Settings]
) -> None:
    deps, records = texting
    fake, settings = twilio
    await records.call(
        "fd_sms_opt", {"p_business": deps.business.id, "p_phone": "+14155550123", "p_out": True}
    )
    await book_first(deps)
    await deliver_all(records, settings, deps)
    assert fake.texts == []  # and the reply to the caller said nothing about it


async def reminders_of(pool: asyncpg.Pool) -> list[tuple[datetime, bool]]:
    rows = await pool.fetch(
        "select due_at, withdrawn_at is not null as gone from outbox"
        " where kind = 'appointment.reminder' order by due_at, withdrawn_at nulls first"
    )
    return [(r["due_at"], r["gone"]) for r in rows]


async def test_reminders_are_due_hours_before_move_with_it_and_go_on_cancel(
    texting: tuple[Deps, OperatorRecords],
    twilio: tuple[FakeTwilio, Settings],
    clean_pool: asyncpg.Pool,
) -> None:
    deps, records = texting
    fake, settings = twilio
    await records.call("fd_set_reminders", {"p_business": deps.business.id, "p_hours": [24, 2]})
    # Monday March 15, 9 AM EDT: the clocks sprang forward on Sunday the 14th at 2 AM.
    await book_appointment(
        BookAppointmentArgs(name="Ada Lovelace", start="2027-03-15T09:00", service="Cleaning"),
        CALL,
        deps,
    )
    start = datetime(2027, 3, 15, 13, tzinfo=UTC)  # 9 AM EDT
    assert await reminders_of(clean_pool) == [
        (start - timedelta(hours=24), False),  # 24 elapsed hours: Sunday 9 AM EDT
        (start - timedelta(hours=2), False),
    ]
    (appointment_id,) = await clean_pool.fetch("select id from appointments")
    await reschedule_appointment(
        RescheduleAppointmentArgs(appointment_id=appointment_id["id"], start="2027-03-16T10:00"),
        CALL,
        deps,
    )
    moved = datetime(2027, 3, 16, 14, tzinfo=UTC)
    live = [due for due, gone in await reminders_of(clean_pool) if not gone]
    assert live == [moved - timedelta(hours=24), moved - timedelta(hours=2)]
    await cancel_appointment(CancelAppointmentArgs(appointment_id=appointment_id["id"]), CALL, deps)
    assert all(gone for _, gone in await reminders_of(clean_pool))
    await clean_pool.execute("update outbox set due_at = now() where kind = 'appointment.reminder'")
    fake.texts.clear()
    await deliver_all(records, settings, deps)
    assert [t for t in fake.texts if "reminder" in t["Body"]] == []  # withdrawn: never sent


async def booked_with_reminder_due(
    records: OperatorRecords, deps: Deps, pool: asyncpg.Pool, *, hours: list[int]
) -> None:
    """A booking at a business that reminds ``hours`` ahead, its reminders made due now."""
    await records.call("fd_set_reminders", {"p_business": deps.business.id, "p_hours": hours})
    await book_first(deps)
    await pool.execute("update outbox set due_at = now() where kind = 'appointment.reminder'")


async def test_a_due_reminder_is_texted_once(
    texting: tuple[Deps, OperatorRecords],
    twilio: tuple[FakeTwilio, Settings],
    clean_pool: asyncpg.Pool,
) -> None:
    deps, records = texting
    fake, settings = twilio
    await booked_with_reminder_due(records, deps, clean_pool, hours=[24])
    await deliver_all(records, settings, deps)
    await deliver_all(records, settings, deps)
    reminders = [t["Body"] for t in fake.texts if "reminder" in t["Body"]]
    assert reminders == [
        "Test Dental: a reminder of your Cleaning on Thursday, March 11 at 9 AM. "
        "To change it, call us."
    ]


async def test_the_owner_who_asks_is_texted_each_booking(
    texting: tuple[Deps, OperatorRecords], twilio: tuple[FakeTwilio, Settings]
) -> None:
    deps, records = texting
    fake, settings = twilio
    notify = replace(deps.business.notify, sms_confirmations=False, owner_booking_texts=True)
    owner_texts = replace(deps, business=replace(deps.business, notify=notify))
    await records.call(
        "fd_set_channels",
        {"p_business": deps.business.id, "p": channels_of(owner_texts.business)},
    )
    await book_first(owner_texts)
    await deliver_all(records, settings, owner_texts)
    assert [(t["To"], t["Body"]) for t in fake.texts] == [
        (OWNER, "Test Dental: Ada Lovelace booked Cleaning Thursday, March 11 at 9 AM.")
    ]


async def test_a_reminder_due_after_the_start_is_not_sent(
    texting: tuple[Deps, OperatorRecords],
    twilio: tuple[FakeTwilio, Settings],
    clean_pool: asyncpg.Pool,
) -> None:
    deps, records = texting
    fake, settings = twilio
    await booked_with_reminder_due(records, deps, clean_pool, hours=[2])
    await deliver_all(  # after the 9 AM (EST) start
        records, settings, deps, at=lambda: datetime(2027, 3, 11, 15, tzinfo=UTC)
    )
    assert [t for t in fake.texts if "reminder" in t["Body"]] == []
    sent = await clean_pool.fetchval(
        "select sent_at is not null from outbox where kind = 'appointment.reminder'"
    )
    assert sent  # done with, not retried
