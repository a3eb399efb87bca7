"""What the console's reports say: a call's outcome in one word, and charts that are pictures
with their numbers."""

from __future__ import annotations

import pytest

from app.console.charts import Bar, bars
from app.console.outcomes import call_outcome


@pytest.mark.parametrize(
    ("tools", "ended", "outcome"),
    [
        ([("find_slots", "ok"), ("book_appointment", "ok")], "user_hangup", "booked"),
        ([("find_appointments", "ok"), ("reschedule_appointment", "ok")], None, "rescheduled"),
        ([("cancel_appointment", "ok")], None, "cancelled"),
        ([("take_message", "ok")], None, "message taken"),
        ([("find_slots", "ok")], "call_transfer", "transferred"),
        ([("find_slots", "unclear_time")], None, "unclear"),
        ([("find_slots", "ok"), ("book_appointment", "slot_taken")], None, "no time found"),
        ([], "user_hangup", "abandoned"),
        ([("business_info", "ok")], None, "abandoned"),
    ],
)
def test_a_call_is_summed_up_in_one_word(
    tools: list[tuple[str, str]], ended: str | None, outcome: str
) -> None:
    assert call_outcome(tools, ended) == outcome


def test_a_chart_draws_a_bar_per_value_each_titled_with_its_number() -> None:
    svg = str(bars("Calls per day", [Bar("Mon", 4, 1), Bar("Tue", 0), Bar("<b>", 2)]))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="bar"') == 3
    assert svg.count('class="bar part"') == 1  # the booked part of Monday
    assert "<title>Mon: 4 (1 booked)</title>" in svg
    assert "&lt;b&gt;" in svg and "<b>" not in svg  # labels are escaped


def test_the_tallest_bar_fills_the_chart_and_an_empty_chart_still_draws() -> None:
    svg = str(bars("x", [Bar("a", 10), Bar("b", 5)]))
    assert 'height="138.0"' in svg and 'height="69.0"' in svg
    assert str(bars("nothing", [])).count("<rect") == 0
