"""Two businesses in one deployment (BUSINESS_CONFIG is a directory), on real Postgres and
Redis: calls reach their own business, and nothing of one is seen or touched from the other."""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import FIXTURES
from tests.e2e.conftest import OPERATOR_KEY, RetellClient, retell_call, running, settings_for

DENTAL, LONDON = "test-dental", "london-clinic"
AGENTS = {DENTAL: "agent_dental_01", LONDON: "agent_london_01"}
NUMBERS = {DENTAL: "+12125550199", LONDON: "+442071234567"}
KEYS = {DENTAL: "op_dental_5b1e", LONDON: "op_london_93fa"}
CALLER = "+14155550123"
RETELL_SECTIONS = {
    DENTAL: 'phone_numbers = ["+12125550199"]\nagent_ids = ["agent_dental_01"]\n',
    LONDON: 'phone_numbers = ["+442071234567"]\nagent_ids = ["agent_london_01"]\n',
}


def write_business(directory: Path, fixture: str, business_id: str) -> Path:
    """A fixture business with how its calls arrive and its own operator key's variable."""
    target = directory / f"{business_id}.toml"
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    env = f"OPERATOR_KEY_{business_id.upper().replace('-', '_')}"
    text += f'\n[retell]\n{RETELL_SECTIONS[business_id]}\n[operator]\nkey_env = "{env}"\n'
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def businesses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("businesses")
    write_business(directory, "business.toml", DENTAL)
    write_business(directory, "london.toml", LONDON)
    return directory


@pytest.fixture(scope="module")
def agency(
    database_url: str,
    redis_url: str,
    businesses: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPERATOR_KEY_TEST_DENTAL", KEYS[DENTAL])
        env.setenv("OPERATOR_KEY_LONDON_CLINIC", KEYS[LONDON])
        settings = replace(
            settings_for(database_url, tmp_path_factory.mktemp("data"), redis_url),
            business_config=businesses,
        )
        with running(settings) as url:
            yield url


@pytest.fixture
def retell(agency: str) -> Iterator[RetellClient]:
    client = RetellClient(agency)
    yield client
    client.http.close()


def call_at(
    business: str, call_id: str, *, by: str = "agent", from_number: str = CALLER
) -> dict[str, Any]:
    """A Retell call object reaching ``business`` by its agent, or only by its number."""
    call = retell_call(call_id, from_number)
    call["agent_id"] = AGENTS[business] if by == "agent" else "agent_someone_else"
    call["to_number"] = NUMBERS[business]
    return call


def fresh(name: str) -> str:
    return f"call_{name}_{secrets.token_hex(4)}"


# Each booking at its own free time: the businesses' local calendars outlive a test's tables.
_STARTS = iter(f"2027-04-{day}T{hour:02d}:00" for day in (13, 14, 15) for hour in range(9, 16))


def next_start() -> str:
    return next(_STARTS)


def book(retell: RetellClient, business: str, call_id: str) -> Any:
    service = "Cleaning" if business == DENTAL else "Consultation"
    args = {"service": service, "start": next_start(), "name": "Ada Lovelace"}
    reply = retell.tool("book_appointment", args, call_at(business, call_id))
    assert reply["ok"], reply
    return reply


def inbound(retell: RetellClient, details: dict[str, str]) -> httpx.Response:
    body = json.dumps({"event": "call_inbound", "call_inbound": details}).encode()
    return retell.post("/retell/inbound", body)


async def test_a_tool_call_is_answered_by_the_business_its_agent_or_number_belongs_to(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    by_agent = book(retell, LONDON, fresh("route"))
    by_number = retell.tool(
        "find_slots", {"service": "Cleaning"}, call_at(DENTAL, fresh("route"), by="number")
    )
    assert by_agent["ok"], by_agent
    assert by_agent["appointment"]["start"].endswith("+01:00")  # London, summer time
    assert by_number["ok"] and by_number["service"] == "Cleaning"
    owner = await clean_pool.fetchval(
        "select business_id from appointments where id = $1",
        by_agent["appointment"]["appointment_id"],
    )
    assert owner == LONDON


def test_metrics_count_each_business_s_tool_calls_under_its_own_label(
    retell: RetellClient, agency: str
) -> None:
    def counted(business: str) -> float:
        wanted = f'frontdesk_tool_calls_total{{business="{business}",outcome="unclear_time"'
        lines = httpx.get(f"{agency}/metrics").text.splitlines()
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(wanted))

    before = {b: counted(b) for b in (DENTAL, LONDON)}
    unclear = {"service": "Consultation", "when": "never o'clock"}
    assert retell.tool("find_slots", unclear, call_at(LONDON, fresh("metric")))["ok"] is False
    assert counted(LONDON) == before[LONDON] + 1
    assert counted(DENTAL) == before[DENTAL]


async def test_an_unmatched_call_hears_unknown_business_and_nothing_is_written(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    call = retell_call(fresh("stray"), CALLER)
    call["agent_id"], call["to_number"] = "agent_nobody", "+15005550006"
    args = {"service": "Cleaning", "start": next_start(), "name": "Ada Lovelace"}
    reply = retell.tool("book_appointment", args, call)
    event = retell.post(
        "/retell/webhook", json.dumps({"event": "call_started", "call": call}).encode()
    )
    assert (reply["ok"], reply["error"]) == (False, "unknown_business")
    assert event.json()["error"] == "unknown_business"
    for table in ("appointments", "customers", "tool_calls", "idempotency_records"):
        assert await clean_pool.fetchval(f"select count(*) from {table}") == 0, table  # noqa: S608
    assert (
        await clean_pool.fetchval("select count(*) from calls where call_id = $1", call["call_id"])
        == 0
    )


def test_a_caller_known_at_one_business_is_a_stranger_at_another(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    assert book(retell, DENTAL, fresh("known"))["ok"]
    at_dental = inbound(retell, {"agent_id": AGENTS[DENTAL], "from_number": CALLER})
    at_london = inbound(retell, {"to_number": NUMBERS[LONDON], "from_number": CALLER})
    dental = at_dental.json()["call_inbound"]
    london = at_london.json()["call_inbound"]
    assert dental["metadata"]["business_id"] == DENTAL
    assert dental["dynamic_variables"].get("caller_name") == "Ada Lovelace"
    assert london["metadata"]["business_id"] == LONDON
    assert dental["dynamic_variables"]["caller_known"] == "true"
    assert london["dynamic_variables"]["caller_known"] == "false"
    assert london["dynamic_variables"]["caller_name"] == ""
    assert london["dynamic_variables"]["next_appointment_id"] == ""


async def test_an_appointment_of_one_business_is_not_found_at_another_even_with_its_phone(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    booked = book(retell, DENTAL, fresh("owned"))
    appointment_id = booked["appointment"]["appointment_id"]
    elsewhere = call_at(LONDON, fresh("intruder"))
    found = retell.tool("find_appointments", {"phone": CALLER}, elsewhere)
    moved = retell.tool(
        "reschedule_appointment",
        {"appointment_id": appointment_id, "phone": CALLER, "start": "2027-04-14T10:00"},
        elsewhere,
    )
    cancelled = retell.tool(
        "cancel_appointment", {"appointment_id": appointment_id, "phone": CALLER}, elsewhere
    )
    assert found["ok"] and found["appointments"] == []
    assert (moved["ok"], moved["error"]) == (False, "not_found")
    assert (cancelled["ok"], cancelled["error"]) == (False, "not_found")
    row = await clean_pool.fetchrow(
        "select status, starts_at from appointments where id = $1", appointment_id
    )
    assert row["status"] == "booked"
    assert row["starts_at"] == datetime.fromisoformat(booked["appointment"]["start"])


async def test_the_same_retell_call_id_at_two_businesses_does_not_collide(
    retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    shared_id = fresh("twin")
    key = {"idempotency-key": f"key-{shared_id}"}
    replies = []
    start = next_start()
    for business in (DENTAL, LONDON):
        service = "Cleaning" if business == DENTAL else "Consultation"
        body = json.dumps(
            {
                "name": "book_appointment",
                "call": call_at(business, shared_id),
                "args": {"service": service, "start": start, "name": "Ada Lovelace"},
            }
        ).encode()
        replies.append(retell.post("/retell/functions", body, **key).json())
        event = {"event": "call_started", "call": call_at(business, shared_id)}
        assert retell.post("/retell/webhook", json.dumps(event).encode()).status_code == 204
    dental, london = replies
    assert dental["ok"] and london["ok"], replies
    assert dental["appointment"]["appointment_id"] != london["appointment"]["appointment_id"]
    assert dental["appointment"]["service"] == "Cleaning"
    assert london["appointment"]["service"] == "Consultation"
    owners = await clean_pool.fetch(
        "select business_id from calls where call_id = $1 order by business_id", shared_id
    )
    assert [r["business_id"] for r in owners] == [LONDON, DENTAL]
    kept = await clean_pool.fetch("select key from idempotency_records")
    assert {r["key"].split("/")[0] for r in kept} == {DENTAL, LONDON}


async def test_operator_keys_see_only_their_business_and_the_global_key_sees_each(
    retell: RetellClient, agency: str, clean_pool: asyncpg.Pool
) -> None:
    call_id = fresh("operated")
    dental = book(retell, DENTAL, call_id)["appointment"]
    london = book(retell, LONDON, fresh("operated"))["appointment"]
    dental_id, london_id = dental["appointment_id"], london["appointment_id"]
    day = "/operator/appointments?date=" + dental["start"][:10]
    london_day = "/operator/appointments?date=" + london["start"][:10]

    def bearer(key: str) -> dict[str, str]:
        return {"authorization": f"Bearer {key}"}

    async with httpx.AsyncClient(base_url=agency) as http:
        own = (await http.get(day, headers=bearer(KEYS[DENTAL]))).json()
        assert [a["appointment_id"] for a in own["appointments"]] == [dental_id]
        other = await http.get(f"/operator/appointments/{london_id}", headers=bearer(KEYS[DENTAL]))
        assert other.status_code == 404
        asked = await http.get(f"{day}&business={LONDON}", headers=bearer(KEYS[DENTAL]))
        assert asked.status_code == 404
        resync = await http.post(
            f"/operator/appointments/{london_id}/resync", headers=bearer(KEYS[DENTAL])
        )
        assert resync.status_code == 404
        trace = await http.get(f"/operator/calls/{call_id}", headers=bearer(KEYS[DENTAL]))
        assert [a["id"] for a in trace.json()["appointments"]] == [dental_id]
        hidden = await http.get(f"/operator/calls/{call_id}", headers=bearer(KEYS[LONDON]))
        assert hidden.status_code == 404
        assert (await http.get(day, headers=bearer(OPERATOR_KEY))).status_code == 400
        global_view = await http.get(
            f"{london_day}&business={LONDON}", headers=bearer(OPERATOR_KEY)
        )
        assert [a["appointment_id"] for a in global_view.json()["appointments"]] == [london_id]
        reload = await http.post("/operator/reload", headers=bearer(KEYS[DENTAL]))
        assert reload.status_code == 401
    synced = await clean_pool.fetchval(
        "select calendar_synced from appointments where id = $1", london_id
    )
    assert synced is True  # the refused resync changed nothing


def test_inbound_routes_by_agent_then_by_the_number_dialled(retell: RetellClient) -> None:
    by_agent = inbound(retell, {"agent_id": AGENTS[LONDON], "to_number": NUMBERS[DENTAL]})
    by_number = inbound(retell, {"agent_id": "agent_new", "to_number": NUMBERS[DENTAL]})
    stray = inbound(retell, {"agent_id": "agent_new", "to_number": "+15005550006"})
    assert by_agent.json()["call_inbound"]["metadata"]["business_id"] == LONDON
    assert by_number.json()["call_inbound"]["metadata"]["business_id"] == DENTAL
    assert (stray.status_code, stray.json()["error"]) == (200, "unknown_business")


def test_a_reload_adds_a_business_and_an_invalid_set_is_refused_with_its_reason(
    retell: RetellClient, agency: str, businesses: Path
) -> None:
    bearer = {"authorization": f"Bearer {OPERATOR_KEY}"}
    added = businesses / "second-dental.toml"
    text = (businesses / f"{DENTAL}.toml").read_text(encoding="utf-8")
    text = text.replace('id = "test-dental"', 'id = "second-dental"')
    text = text.replace("agent_dental_01", "agent_second_01").replace("+12125550199", "")
    text = text.replace('phone_numbers = [""]', "phone_numbers = []")
    text = text.replace("OPERATOR_KEY_TEST_DENTAL", "OPERATOR_KEY_SECOND_DENTAL")
    added.write_text(text, encoding="utf-8")
    broken = businesses / "broken.toml"
    try:
        reloaded = httpx.post(f"{agency}/operator/reload", headers=bearer)
        assert reloaded.status_code == 200, reloaded.text
        assert reloaded.json()["added"] == ["second-dental"]
        answered = retell.tool(
            "business_info", {}, {**call_at(DENTAL, fresh("new")), "agent_id": "agent_second_01"}
        )
        assert answered["ok"], answered
        shutil.copy(businesses / f"{LONDON}.toml", broken)
        broken.write_text(broken.read_text().replace("[hours]", "[hours]\nmonday = []"))
        refused = httpx.post(f"{agency}/operator/reload", headers=bearer)
        assert refused.status_code == 422
        assert "broken.toml" in refused.json()["reason"]
        assert "hours.monday" in refused.json()["reason"]
        still = retell.tool("business_info", {}, call_at(LONDON, fresh("still")))
        assert still["ok"]
    finally:
        added.unlink(missing_ok=True)
        broken.unlink(missing_ok=True)
        httpx.post(f"{agency}/operator/reload", headers=bearer)


def test_an_args_only_tool_is_routed_by_the_business_its_url_names(retell: RetellClient) -> None:
    body = json.dumps({"topic": "hours"}).encode()
    london = retell.post(f"/retell/functions/business_info?business={LONDON}", body).json()
    unnamed = retell.post("/retell/functions/business_info", body).json()
    unknown = retell.post("/retell/functions/business_info?business=nobody", body).json()
    assert london["ok"] and "6 PM" in london["message"], london
    assert unnamed["error"] == unknown["error"] == "unknown_business"


@contextmanager
def console_as(base: str, key: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=10) as client:
        page = client.get("/console/login")
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        answer = client.post("/console/login", data={"key": key, "csrf": token})
        assert answer.status_code == 303
        yield client


async def test_a_business_key_opens_the_console_on_its_own_business_only(
    agency: str, retell: RetellClient, clean_pool: asyncpg.Pool
) -> None:
    london_call = call_at(LONDON, "call_console_london")
    found = retell.tool(
        "find_slots", {"service": "Consultation", "when": "2027-03-11"}, london_call
    )
    booked = retell.tool(
        "book_appointment",
        {"slot_id": found["slots"][0]["slot_id"], "name": "Ada Lovelace"},
        london_call,
    )
    appointment = booked["appointment"]["appointment_id"]
    with console_as(agency, KEYS[DENTAL]) as dental:
        day = dental.get("/console")
        assert day.status_code == 200 and "Test Dental" in day.text
        assert 'id="business"' not in day.text  # no switching for a business's own key
        assert dental.get(f"/console/appointments/{appointment}").status_code == 404
        dental.get("/console/switch?business=london-clinic")
        assert "Test Dental" in dental.get("/console").text  # still its own
    with console_as(agency, KEYS[LONDON]) as london:
        assert london.get(f"/console/appointments/{appointment}").status_code == 200
    with console_as(agency, OPERATOR_KEY) as operator:
        assert 'id="business"' in operator.get("/console").text  # the operator key may switch
        operator.get("/console/switch?business=test-dental")
        assert operator.get(f"/console/appointments/{appointment}").status_code == 404
        operator.get("/console/switch?business=london-clinic")
        assert operator.get(f"/console/appointments/{appointment}").status_code == 200
