"""business_info answers what callers ask besides booking, from the config alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from agent_tools.business import Contact
from agent_tools.business_info import BusinessInfoArgs, answer, business_info
from agent_tools.business_speech import duration, join_and, opening_hours
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from app.business_config import load_business
from app.openapi import document

DEMO = load_business(Path(__file__).parents[2] / "config" / "demo-business.toml")
MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("question", "topic", "said"),
    [
        ("when are you open?", "hours", "Today, Monday, we're open 9 AM to noon and 1 to 5 PM."),
        ("Where are you located", "address", "We're at 120 Hudson Street, New York."),
        ("what's your phone number", "phone", "Our number is (212) 555-0142."),
        ("do you have a website", "website", "Our website is brightsmile.example.com."),
        ("how much is a cleaning?", "service", "Cleaning costs $120 and takes about an hour."),
        ("price of a scale and polish", "service", "Cleaning costs $120"),
        ("what are your prices", "prices", "Cleaning is $120, Checkup is $75 and Whitening is"),
        ("what services do you offer", "services", "We offer Cleaning, Checkup and Whitening."),
        ("where can I park", "faq", "Yes, there's free parking behind the building."),
        ("insurance?", "faq", "We take most dental plans"),
        ("do you sell toothbrushes", "unknown", "I don't have that information"),
    ],
)
def test_a_question_gets_the_configs_answer(question: str, topic: str, said: str) -> None:
    found, message = answer(DEMO, question, MONDAY)
    assert found == topic
    assert message.startswith(said) or said in message


def test_without_a_topic_it_gives_a_short_overview() -> None:
    topic, message = answer(DEMO, None, MONDAY)
    assert topic == "overview"
    assert message.startswith("This is Bright Smile Dental. We're at 120 Hudson Street")
    assert "Today, Monday" in message


def test_what_the_config_does_not_say_is_not_invented() -> None:
    bare = replace(DEMO, contact=Contact(), faqs=())
    assert "don't have our address" in answer(bare, "where are you", MONDAY)[1]
    assert "don't have another number" in answer(bare, "phone number", MONDAY)[1]
    assert "don't have a website" in answer(bare, "website", MONDAY)[1]
    assert answer(bare, "is there parking", MONDAY)[0] == "unknown"
    unpriced = replace(DEMO, services=tuple(replace(s, price=None) for s in DEMO.services))
    assert "don't have prices" in answer(unpriced, "how much do you charge", MONDAY)[1]


def test_hours_start_today_and_count_closures_and_special_hours() -> None:
    christmas_eve = opening_hours(DEMO, date(2026, 12, 24))
    assert christmas_eve.startswith("Today, Thursday, we're open 9 AM to noon. Closed Friday to")
    assert opening_hours(DEMO, date(2026, 12, 25)).startswith("We're closed today, Friday.")
    assert opening_hours(DEMO) == (
        "Monday 9 AM to noon and 1 to 5 PM; Tuesday and Wednesday 9 AM to 5 PM; "
        "Thursday 9 AM to noon and 1 to 7 PM; Friday 9 AM to 3 PM; closed Saturday and Sunday."
    )
    all_week = replace(DEMO, weekly_hours=dict.fromkeys(range(7), DEMO.weekly_hours[1]))
    assert opening_hours(all_week) == "Monday to Sunday 9 AM to 5 PM."
    assert opening_hours(replace(DEMO, weekly_hours={})) == "We're closed every day at the moment."


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (30, "30 minutes"),
        (60, "an hour"),
        (90, "an hour and a half"),
        (120, "2 hours"),
        (45, "45 minutes"),
    ],
)
def test_a_length_is_said_as_a_person_would(minutes: int, said: str) -> None:
    assert duration(timedelta(minutes=minutes)) == said


async def test_the_tool_answers_in_the_business_zone(deps: Deps) -> None:
    reply = await business_info(BusinessInfoArgs(topic="opening hours"), CallContext(), deps)
    assert reply.topic == "hours"
    assert reply.message.startswith("Today, Wednesday, we're open 9 AM to 5 PM.")


def test_the_tool_is_in_the_openapi_contract() -> None:
    paths = document()["paths"]
    assert paths["/retell/functions/business_info"]["post"]["operationId"] == "business_info"


async def test_a_service_said_loosely_or_by_alias_finds_slots(deps: Deps) -> None:
    for said in ("hygiene visits", "CLEANINGS", "cleaning!"):
        found = await find_slots(FindSlotsArgs(service=said, when="tomorrow"), CallContext(), deps)
        assert found.service == "Cleaning"


def test_lists_are_joined_with_and_even_when_a_name_says_or() -> None:
    assert join_and([]) == ""
    assert join_and(["Cut or trim"]) == "Cut or trim"
    assert join_and(["Cut or trim", "Colour"]) == "Cut or trim and Colour"
    assert join_and(["a", "b", "c"]) == "a, b and c"
