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

from agent_tools.business import Business, WebhookTarget
from agent_tools.ports import CallContext, Deps
from agent_tools.take_message import TakeMessageArgs, take_message
from app.db.messages import SqlMessageDesk
from app.db.operator_records import OperatorRecords
from app.outbox.deliver import Deliverer
from app.outbox.retry import CAP, FIRST, GIVE_UP_AFTER, next_try
from tests.fakes.serving import serving
from tests.fakes.webhook_receiver import WebhookReceiver

SECRET = "whsec_test_1"
CALL = CallContext(call_id="call_msg", from_number="+14155550123")


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    fake = WebhookReceiver()
    with serving(fake.app()) as url:
        yield fake, url + "/hooks"


@pytest.fixture
async def outbox_pool(clean_pool: asyncpg.Pool) -> asyncpg.Pool:
    await clean_pool.execute("truncate messages, outbox")
    return clean_pool


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
    async with httpx.AsyncClient() as http:
        deliverer = Deliverer(records, http)
        assert await deliverer.deliver_due() == 0  # 500: due again within 5 seconds
        due = await outbox_pool.fetchval("select due_at - now() from outbox")
        assert timedelta(0) < due <= timedelta(seconds=FIRST)
        await outbox_pool.execute("update outbox set due_at = now()")
        assert await deliverer.deliver_due() == 1
        assert await deliverer.deliver_due() == 0  # nothing twice
    assert len(fake.deliveries) == 2 and len(fake.accepted) == 1
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
        one, two = Deliverer(records, http), Deliverer(records, http)
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
        await Deliverer(OperatorRecords.over_pool(outbox_pool), http).deliver_due()
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
