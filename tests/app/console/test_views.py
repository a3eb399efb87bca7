"""Times as people write them, in the business's zone; numbers masked; SVG bars escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.console.charts import Bar, bar_chart
from app.console.views import clock, masked, seconds, when

NEW_YORK = ZoneInfo("America/New_York")


def test_times_are_written_in_the_business_zone_with_am_and_pm() -> None:
    assert clock(datetime(2027, 3, 10, 14, 0, tzinfo=UTC), NEW_YORK) == "9:00 am"
    assert clock(datetime(2027, 3, 10, 17, 30, tzinfo=UTC), NEW_YORK) == "12:30 pm"
    assert clock(datetime(2027, 3, 11, 5, 5, tzinfo=UTC), NEW_YORK) == "12:05 am"


def test_the_same_utc_hour_reads_an_hour_later_after_the_spring_change() -> None:
    before = clock(datetime(2027, 3, 13, 15, 0, tzinfo=UTC), NEW_YORK)
    after = clock(datetime(2027, 3, 15, 15, 0, tzinfo=UTC), NEW_YORK)
    assert (before, after) == ("10:00 am", "11:00 am")
    assert when(datetime(2027, 3, 15, 15, 0, tzinfo=UTC), NEW_YORK) == "Mon 15 Mar 2027, 11:00 am"


def test_a_phone_number_shows_only_its_country_code_and_last_two_digits() -> None:
    shown = masked("+14155550123")
    assert shown.startswith("+1 ") and shown.endswith("23") and "555" not in shown
    assert masked(None) == "unknown"


def test_durations_read_in_minutes_and_seconds() -> None:
    assert (seconds(125_000), seconds(45_400), seconds(None)) == ("2 min 05 s", "45 s", "")


def test_a_chart_has_a_bar_per_value_with_its_number_on_hover_and_escapes_labels() -> None:
    svg = bar_chart([Bar("<b>", 2), Bar("Tue", 4)], title="Calls")
    assert svg.count("<rect") == 2 and "<title>Tue: 4</title>" in svg
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert 'height="140.0"' in svg or 'height="140"' in svg  # the tallest bar fills the chart


def test_an_instant_from_the_database_as_text_reads_in_the_business_zone() -> None:
    assert when("2027-03-10T14:00:00+00:00", NEW_YORK) == "Wed 10 Mar 2027, 9:00 am"
