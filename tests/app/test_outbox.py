"""Messages and the outbox on real Postgres with a webhook receiver on loopback: a message is
kept with its sends in one transaction, delivered once as the receiver sees it, signed, retried
while the receiver fails, and never sent twice by two deliverers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.business import Business, WebhookTarget
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
from app.metrics import REGISTRY
from app.outbox.deliver import Deliverer, summed_up
from app.outbox.events import channels_of
from app.outbox.retry import CAP, FIRST, GIVE_UP_AFTER, next_try
from app.outbox.sms import Texter
from app.settings import Settings
from tests.fakes.serving import serving
from tests.fakes.webhook_receiver import WebhookReceiver

SECRET = "whsec_test_1"
TEXTER = Texter(Settings())  # no Twilio settings: texts are only logged
CALL = CallContext(call_id="call_msg", from_number="+14155550123")


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    fake = WebhookReceiver()
    with serving(fake.app()) as url:
        yield fake, url + "/hooks"


@pytest.fixture
async def outbox_pool(clean_pool: asyncpg.Pool) -> asyncpg.Pool:
    await clean_pool.execute(
        "truncate messages, outbox, appointment_history, business_channels, business_reminders"
    )
    return clean_pool


def sends_counted(channel: str, outcome: str) -> float:
    found = REGISTRY.get_sample_value(
        "frontdesk_outbox_sends_total", {"channel": channel, "outcome": outcome}
    )
    return found or 0.0


def desk_deps(deps: Deps, pool: asyncpg.Pool, url: str | None) -> Deps:
    business: Business = deps.business
    if url is not None:
        business = replace(business, webhook=WebhookTarget(url, "TEST_WEBHOOK_SECRET"))
    return replace(
        deps, business=business, messages=SqlMessageDesk(OperatorRecords.over_pool(pool))
    )


def args(**extra: object) -> TakeMessageArgs:
    return TakeMessageArgs(
        name="Ada Lovelace",
        message="Please call about my crown",
        callback_when="tomorrow morning",
        **extra,
    )


def deliverer_for(records: OperatorRecords, http: httpx.AsyncClient, deps: Deps) -> Deliverer:
    """An instance's deliverer, serving the one test business."""
    return Deliverer(records, http, TEXTER, {deps.business.id: deps.business})


async def test_a_message_is_kept_with_its_send_and_a_repeat_is_the_same_message(
    deps: Deps, outbox_pool: asyncpg.Pool
) -> None:
    with_desk = desk_deps(deps, outbox_pool, None)
    first = await take_message(args(urgent=True), CALL, with_desk)
    again = await take_message(args(urgent=True), CALL, with_desk)
    assert first.message_id == again.message_id
    assert first.message == (
        "I've passed that on; someone will call you back tomorrow before noon. "
        "I've marked it urgent."
    )
    row = await outbox_pool.fetchrow("select * from messages")
    assert (row["phone"], row["urgent"], row["callback_phrase"]) == (
        "+14155550123",
        True,
        "tomorrow before noon",
    )
    assert row["callback_end"] == datetime(2027, 3, 11, 17, tzinfo=UTC)  # noon in New York
    sends = await outbox_pool.fetch("select channel, kind from outbox")
    assert [tuple(s) for s in sends] == [("log", "message.taken")]  # nothing configured: logged


async def test_a_webhook_arrives_once_signed_after_the_receiver_fails_first(
    deps: Deps,
    outbox_pool: asyncpg.Pool,
    receiver: tuple[WebhookReceiver, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    fake, url = receiver
    fake.statuses = [500]
    await take_message(args(), CALL, desk_deps(deps, outbox_pool, url))
    records = OperatorRecords.over_pool(outbox_pool)
    counted = {o: sends_counted("webhook", o) for o in ("sent", "retry")}
    async with httpx.AsyncClient() as http:
        deliverer = deliverer_for(records, http, deps)
        assert await deliverer.deliver_due() == 0  # 500: due again within 5 seconds
        due = await outbox_pool.fetchval("select due_at - now() from outbox")
        assert timedelta(0) < due <= timedelta(seconds=FIRST)
        await outbox_pool.execute("update outbox set due_at = now()")
        assert await deliverer.deliver_due() == 1
        assert await deliverer.deliver_due() == 0  # nothing twice
    assert len(fake.deliveries) == 2 and len(fake.accepted) == 1
    assert sends_counted("webhook", "retry") == counted["retry"] + 1  # /metrics
    assert sends_counted("webhook", "sent") == counted["sent"] + 1
    assert REGISTRY.get_sample_value("frontdesk_outbox_due") == 0
    keys = {headers["idempotency-key"] for headers, _ in fake.deliveries}
    assert len(keys) == 1  # the same event id on the retry
    headers, body = fake.deliveries[-1]
    stamp, mac = (part.split("=", 1)[1] for part in headers["frontdesk-signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(mac, expected)
    event = json.loads(body)
    assert (event["type"], event["business_id"]) == ("message.taken", deps.business.id)
    assert event["data"]["message"] == "Please call about my crown"


async def test_two_deliverers_on_one_outbox_send_each_event_once(
    deps: Deps,
    outbox_pool: asyncpg.Pool,
    receiver: tuple[WebhookReceiver, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    fake, url = receiver
    with_desk = desk_deps(deps, outbox_pool, url)
    for n in range(20):
        call = CallContext(call_id=f"call_{n}", from_number="+14155550123")
        await take_message(args(), call, with_desk)
    records = OperatorRecords.over_pool(outbox_pool)
    async with httpx.AsyncClient() as http:
        one, two = (
            deliverer_for(records, http, deps),
            deliverer_for(records, http, deps),
        )
        sent = await asyncio.gather(one.deliver_due(), two.deliver_due())
    assert sum(sent) == 20
    assert len(fake.deliveries) == 20 and len(fake.accepted) == 20


async def test_a_refusal_other_than_408_or_429_is_final(
    deps: Deps, outbox_pool: asyncpg.Pool, receiver: tuple[WebhookReceiver, str]
) -> None:
    fake, url = receiver
    fake.statuses = [410]
    await take_message(args(), CALL, desk_deps(deps, outbox_pool, url))
    async with httpx.AsyncClient() as http:
        await deliverer_for(OperatorRecords.over_pool(outbox_pool), http, deps).deliver_due()
    row = await outbox_pool.fetchrow("select failed_at, last_error from outbox")
    assert row["failed_at"] is not None and row["last_error"] == "HTTP 410"


def test_retries_start_within_five_seconds_grow_to_an_hour_and_stop_after_a_day() -> None:
    created = datetime(2027, 3, 10, tzinfo=UTC)
    for attempts in range(1, 40):
        due = next_try(attempts, created, created, None)
        assert due is not None and due - created <= timedelta(seconds=CAP)
    assert all(
        (due := next_try(1, created, created, None)) is not None
        and due - created <= timedelta(seconds=FIRST)
        for _ in range(50)
    )
    late = created + GIVE_UP_AFTER
    assert next_try(5, late, created, None) is None
    honoured = next_try(1, created, created, retry_after=120)
    assert honoured is not None and honoured - created >= timedelta(seconds=120)


async def test_bookings_moves_and_cancellations_reach_the_webhook_once_each(
    deps: Deps,
    outbox_pool: asyncpg.Pool,
    receiver: tuple[WebhookReceiver, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    fake, url = receiver
    with_desk = desk_deps(deps, outbox_pool, url)
    records = OperatorRecords.over_pool(outbox_pool)
    await records.call(
        "fd_set_channels",
        {"p_business": deps.business.id, "p": channels_of(with_desk.business)},
    )
    found = await find_slots(FindSlotsArgs(service="Cleaning", when="2027-03-11"), CALL, with_desk)
    booked = await book_appointment(
        BookAppointmentArgs(name="Ada Lovelace", slot_id=found.slots[0].slot_id), CALL, with_desk
    )
    appointment_id = booked.appointment.appointment_id
    await reschedule_appointment(
        RescheduleAppointmentArgs(appointment_id=appointment_id, start="2027-03-12T10:00"),
        CALL,
        with_desk,
    )
    await cancel_appointment(CancelAppointmentArgs(appointment_id=appointment_id), CALL, with_desk)
    async with httpx.AsyncClient() as http:
        deliverer = deliverer_for(records, http, deps)
        while await deliverer.deliver_due():
            pass
    events = [json.loads(body) for body in fake.accepted.values()]
    assert [e["type"] for e in events] == [
        "appointment.booked",
        "appointment.rescheduled",
        "appointment.cancelled",
    ]
    assert {e["data"]["appointment_id"] for e in events} == {appointment_id}
    moved = events[1]["data"]
    assert moved["starts_at"].startswith("2027-03-12T15:00") and moved["by"] == "caller"
    assert len(fake.deliveries) == 3


async def test_without_a_webhook_the_appointment_events_are_only_logged(
    deps: Deps, outbox_pool: asyncpg.Pool
) -> None:
    records = OperatorRecords.over_pool(outbox_pool)
    await records.call(
        "fd_set_channels", {"p_business": deps.business.id, "p": channels_of(deps.business)}
    )
    found = await find_slots(FindSlotsArgs(service="Cleaning", when="2027-03-11"), CALL, deps)
    await book_appointment(
        BookAppointmentArgs(name="Ada Lovelace", slot_id=found.slots[0].slot_id), CALL, deps
    )
    channels = await outbox_pool.fetch("select channel, kind from outbox")
    assert [tuple(c) for c in channels] == [("log", "appointment.booked")]


async def test_the_operator_sees_what_waits_to_be_sent(
    deps: Deps, outbox_pool: asyncpg.Pool, receiver: tuple[WebhookReceiver, str]
) -> None:
    fake, url = receiver
    await take_message(args(), CALL, desk_deps(deps, outbox_pool, url))
    await outbox_pool.execute("update outbox set due_at = now() - interval '90 seconds'")
    backlog = await OperatorRecords.over_pool(outbox_pool).call("fd_outbox_backlog", {})
    assert backlog["depth"] == 1 and 89 <= backlog["oldest_due_seconds"] < 120
    assert fake.deliveries == []  # waiting is not sending


async def test_a_call_that_ended_is_announced_once_with_what_it_touched(
    deps: Deps, outbox_pool: asyncpg.Pool
) -> None:
    records = OperatorRecords.over_pool(outbox_pool)
    await records.call(
        "fd_set_channels", {"p_business": deps.business.id, "p": channels_of(deps.business)}
    )
    await outbox_pool.execute(
        "insert into tool_calls (call_id, business_id, tool, outcome, duration_ms,"
        " appointment_id) values ('call_end', $1, 'book_appointment', 'ok', 9, 'apt_x')",
        deps.business.id,
    )
    ended = {"call": {"call_id": "call_end", "from_number": "+14155550123", "duration_ms": 61000}}
    for event in ("call_ended", "call_analyzed", "call_ended"):  # a retry, out of order
        await outbox_pool.execute(
            "select fd_record_call_event($1, $2, $3::jsonb)", deps.business.id, event, ended
        )
    rows = await outbox_pool.fetch("select kind, payload from outbox where kind = 'call.ended'")
    assert len(rows) == 1
    data = rows[0]["payload"]["event"]["data"]
    assert data["appointments"] == ["apt_x"] and data["duration_ms"] == 61000
    assert data["tools"] == [["book_appointment", "ok"]]
    sent = summed_up(rows[0]["payload"])["event"]["data"]  # what the receiver gets
    assert sent["outcome"] == "booked"
