"""Emails through SMTP to a real SMTP server on loopback (aiosmtpd): the owner hears of each
message; a caller who gave an address gets a confirmation with a calendar file a parser reads
back, and a cancellation's file cancels the same event."""

from __future__ import annotations

import email
from collections.abc import Iterator
from dataclasses import replace
from email.message import Message as MailMessage
from typing import Any

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.business import Notify
from agent_tools.change_appointment import CancelAppointmentArgs, cancel_appointment
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from agent_tools.take_message import TakeMessageArgs, take_message
from app.db.messages import SqlMessageDesk
from app.db.operator_records import OperatorRecords
from app.outbox.deliver import Deliverer
from app.outbox.email import Mailer
from app.outbox.events import channels_of
from app.outbox.sms import Texter
from app.settings import Settings
from tests.fakes.serving import free_port

CALL = CallContext(call_id="call_mail", from_number="+14155550123")


class Inbox:
    def __init__(self) -> None:
        self.mail: list[MailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mail.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture
async def mailing(deps: Deps, clean_pool: asyncpg.Pool) -> tuple[Deps, OperatorRecords]:
    await clean_pool.execute("truncate messages, outbox, business_channels, business_reminders")
    records = OperatorRecords.over_pool(clean_pool)
    notify = Notify(owner_email="owner@clinic.example", email_confirmations=True)
    business = replace(deps.business, notify=notify)
    await records.call("fd_set_channels", {"p_business": business.id, "p": channels_of(business)})
    return replace(deps, business=business, messages=SqlMessageDesk(records)), records


async def deliver_all(records: OperatorRecords, deps: Deps, smtp_url: str) -> None:
    mailer = Mailer(smtp_url, "frontdesk@clinic.example")
    async with httpx.AsyncClient() as http:
        deliverer = Deliverer(
            records, http, Texter(Settings()), {deps.business.id: deps.business}, mailer=mailer
        )
        while await deliverer.deliver_due():
            pass


def calendar_of(mail: MailMessage) -> Any:
    (part,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return Calendar.from_ical(payload)


async def test_the_owner_is_emailed_each_message(
    mailing: tuple[Deps, OperatorRecords], smtp: tuple[Inbox, str]
) -> None:
    deps, records = mailing
    inbox, url = smtp
    await take_message(TakeMessageArgs(name="Grace", message="Is parking free?"), CALL, deps)
    await deliver_all(records, deps, url)
    (mail,) = inbox.mail
    assert (mail["To"], mail["Subject"]) == ("owner@clinic.example", "Message from Grace")
    assert "Is parking free?" in str(mail.get_payload())


async def test_a_booking_and_its_cancellation_send_calendar_files_for_one_event(
    mailing: tuple[Deps, OperatorRecords], smtp: tuple[Inbox, str]
) -> None:
    deps, records = mailing
    inbox, url = smtp
    found = await find_slots(FindSlotsArgs(service="Cleaning", when="2027-03-11"), CALL, deps)
    booked = await book_appointment(
        BookAppointmentArgs(
            name="Ada Lovelace", email="ada@example.com", slot_id=found.slots[0].slot_id
        ),
        CALL,
        deps,
    )
    appointment_id = booked.appointment.appointment_id
    await cancel_appointment(CancelAppointmentArgs(appointment_id=appointment_id), CALL, deps)
    await deliver_all(records, deps, url)
    confirm, cancel = inbox.mail
    assert confirm["To"] == "ada@example.com"
    assert confirm["Subject"] == "Cleaning at Test Dental: confirmed"
    first, second = calendar_of(confirm), calendar_of(cancel)
    assert (str(first["METHOD"]), str(second["METHOD"])) == ("REQUEST", "CANCEL")
    (event,) = first.walk("VEVENT")
    (cancelled,) = second.walk("VEVENT")
    assert str(event["UID"]) == str(cancelled["UID"]) == f"{appointment_id}@frontdesk"
    assert int(cancelled["SEQUENCE"]) > int(event["SEQUENCE"])
    assert event.decoded("DTSTART").isoformat() == "2027-03-11T14:00:00+00:00"  # 9 AM EST
    assert str(cancelled["STATUS"]) == "CANCELLED"


async def test_without_smtp_settings_emails_are_only_logged(
    mailing: tuple[Deps, OperatorRecords], clean_pool: asyncpg.Pool
) -> None:
    deps, records = mailing
    await take_message(TakeMessageArgs(name="Grace", message="Hello"), CALL, deps)
    await deliver_all(records, deps, "")
    sent = await clean_pool.fetchval(
        "select count(*) from outbox where channel = 'email' and sent_at is not null"
    )
    assert sent == 1
