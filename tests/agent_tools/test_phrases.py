"""Properties of the time-phrase grammar: windows hold only what the phrase allows, relative
phrases move with the reference, clock changes keep wall-clock meaning, stated windows bound the
appointment's end, and no input (however odd) does anything but read or ask."""

from __future__ import annotations

import contextlib
import time as timer
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tools.errors import UnclearTime
from agent_tools.when import Window, resolve_start, resolve_when
from app.business_config import load_business

FIXTURES = Path(__file__).parent.parent / "fixtures"
NEW_YORK = load_business(FIXTURES / "business.toml")
LONDON = load_business(FIXTURES / "london.toml")
NY = ZoneInfo("America/New_York")
WEDNESDAY = datetime(2027, 3, 10, 15, tzinfo=UTC)  # 10:00 in New York
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PARTS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}


def window(phrase: str, reference: datetime = WEDNESDAY) -> Window:
    found = resolve_when(phrase, reference, NEW_YORK)
    assert found is not None
    return found


def local(moment: datetime) -> datetime:
    return moment.astimezone(NY)


@given(st.sampled_from(DAYS), st.sampled_from(sorted(PARTS)))
def test_a_weekday_and_part_of_day_is_that_weekday_within_those_hours(day: str, part: str) -> None:
    found = window(f"{day} {part}")
    start, end = local(found.start), local(found.end)
    assert start.strftime("%A") == day
    assert (start.hour, start.minute) == (PARTS[part][0], 0)
    low, high = PARTS[part]
    assert end - start == timedelta(hours=high - low)
    assert start.date() > date(2027, 3, 10)  # "Wednesday" said on a Wednesday is next week's


@given(st.integers(1, 11), st.integers(1, 5))
def test_between_two_hours_is_exactly_that_span_and_bounds_the_end(first: int, length: int) -> None:
    last = first + length
    if last > 12:
        last -= 12
    found = window(f"tomorrow between {first} and {last}")
    start, end = local(found.start), local(found.end)
    assert end - start == timedelta(hours=length)
    assert start.minute == 0
    assert start.date() == end.date() == date(2027, 3, 11)
    assert found.ends_by


@given(st.integers(1, 11))
def test_after_an_hour_starts_then_and_runs_to_the_end_of_the_day(hour: int) -> None:
    found = window(f"Friday after {hour}")
    start, end = local(found.start), local(found.end)
    assert start.date() == date(2027, 3, 12) and start.hour % 12 == hour and start.minute == 0
    assert end == datetime(2027, 3, 13, tzinfo=NY)
    assert not found.ends_by


PHRASES = [
    "tomorrow",
    "Friday afternoon",
    "next Tuesday at 3",
    "in 3 days",
    "a week from Thursday",
    "the day after tomorrow around 4",
    "late tomorrow afternoon",
    "early next week",
    "Monday or Tuesday morning",
    "any day but Friday",
    "in 2 hours",
]


@settings(max_examples=40)
@given(st.sampled_from(PHRASES), st.integers(-20, 60), st.integers(0, 23))
def test_moving_the_reference_a_week_moves_the_answer_a_week(
    phrase: str, weeks: int, hour: int
) -> None:
    """Wall clock: a week later the same words name the same local times, a week later."""
    reference = datetime(2027, 1, 6, hour, 30, tzinfo=NY)
    moved = reference + timedelta(weeks=weeks)
    before, after = window(phrase, reference), window(phrase, moved)
    for a, b in zip(before.parts, after.parts, strict=True):
        for x, y in ((a.start, b.start), (a.end, b.end)):
            shifted = local(x).replace(tzinfo=None) + timedelta(weeks=weeks)
            assert local(y).replace(tzinfo=None) == shifted


@pytest.mark.parametrize(
    ("reference", "phrase", "wall"),
    [
        (datetime(2027, 3, 13, 15, tzinfo=UTC), "tomorrow at 3pm", "2027-03-14 15:00 EDT"),
        (datetime(2027, 3, 13, 15, tzinfo=UTC), "Sunday at 9:30", "2027-03-14 09:30 EDT"),
        (
            datetime(2027, 3, 13, 15, tzinfo=UTC),
            "tomorrow at 1:30 in the morning",
            "2027-03-14 01:30 EST",
        ),
        (
            datetime(2027, 11, 6, 14, tzinfo=UTC),
            "tomorrow at quarter past ten",
            "2027-11-07 10:15 EST",
        ),
        (datetime(2027, 11, 6, 14, tzinfo=UTC), "tomorrow at 1:30 am", "2027-11-07 01:30 EDT"),
    ],
)
def test_clock_change_days_keep_the_wall_clock_meaning(
    reference: datetime, phrase: str, wall: str
) -> None:
    found = window(phrase, reference)
    assert f"{local(found.start):%Y-%m-%d %H:%M %Z}" == wall
    assert found.end - found.start == timedelta(minutes=1)


def test_london_reads_day_first_and_keeps_its_wall_clock_across_the_change() -> None:
    friday = datetime(2027, 3, 26, 10, tzinfo=UTC)
    found = resolve_when("Monday at half two", friday, LONDON)
    assert found is not None
    assert f"{found.start.astimezone(LONDON.timezone):%Y-%m-%d %H:%M %Z}" == "2027-03-29 14:30 BST"
    day_first = resolve_when("3/4", friday, LONDON)
    assert day_first is not None
    assert day_first.start.astimezone(LONDON.timezone).date() == date(2027, 4, 3)


def test_a_time_the_clocks_skip_is_explained() -> None:
    with pytest.raises(UnclearTime, match="clocks change"):
        resolve_when("tomorrow at 2:30 am", datetime(2027, 3, 13, 15, tzinfo=UTC), NEW_YORK)


@pytest.mark.parametrize(
    ("phrase", "bounded"),
    [
        ("between 1 and 3", True),
        ("before noon", True),
        ("by 4", True),
        ("no later than 4", True),
        ("from 2 to 4 tomorrow", True),
        ("at 2", False),
        ("after 3", False),
        ("around 3", False),
        ("tomorrow morning", False),
    ],
)
def test_only_a_stated_window_bounds_the_appointment_end(phrase: str, bounded: bool) -> None:
    assert window(phrase).ends_by is bounded


def test_a_fuzzy_time_widens_an_hour_either_side() -> None:
    found = window("Friday threeish")
    assert (local(found.start).hour, local(found.end).hour) == (14, 16)


def test_a_bare_hour_both_ways_inside_opening_hours_offers_both_readings() -> None:
    found = resolve_when("Saturday at 10", datetime(2027, 3, 26, 10, tzinfo=UTC), LONDON)
    assert found is not None and found.spans is not None
    assert [f"{s.start.astimezone(LONDON.timezone):%H:%M}" for s in found.parts] == [
        "10:00",
        "22:00",
    ]
    assert found.phrase.count(" or ") == 1
    # An hour read as PM by default still offers the morning reading too, and only once.
    found = resolve_when("Saturday at 2", datetime(2027, 3, 26, 10, tzinfo=UTC), LONDON)
    assert found is not None
    assert [f"{s.start.astimezone(LONDON.timezone):%H:%M}" for s in found.parts] == [
        "14:00",
        "02:00",
    ]


@pytest.mark.parametrize(
    ("phrase", "days"),
    [
        ("Monday and Wednesday", ["03-15", "03-17"]),
        ("Monday, Wednesday, and Friday", ["03-15", "03-17", "03-19"]),
        ("tuesday/wednesday", ["03-16", "03-17"]),
        ("this Friday or next", ["03-12", "03-19"]),
        ("weekday mornings", ["03-10", "03-11", "03-12", "03-15", "03-16"]),
    ],
)
def test_lists_and_weekdays_name_each_day(phrase: str, days: list[str]) -> None:
    found = window(phrase)
    named = [
        f"{local(part.start) + timedelta(days=n):%m-%d}"
        for part in found.parts
        for n in range((local(part.end) - local(part.start)).days + 1)
        if local(part.start) + timedelta(days=n) < local(part.end)
    ]
    assert named == days


@pytest.mark.parametrize(
    ("phrase", "said"),
    [
        ("Monday or Tuesday morning", "on Monday, March 15 or Tuesday, March 16 before noon"),
        ("at 2 or 3", "today at 2 PM or at 3 PM"),
        (
            "Friday at 2 or Monday after 3",
            "on Friday, March 12 at 2 PM or on Monday, March 15 after 3 PM",
        ),
    ],
)
def test_several_spans_are_said_briefly(phrase: str, said: str) -> None:
    assert window(phrase).phrase == said


@pytest.mark.parametrize(
    ("phrase", "days", "hours"),
    [
        ("later today", "03-10..03-10", "00:00-24:00"),
        ("later this afternoon", "03-10..03-10", "12:00-17:00"),
        ("in the next couple of days", "03-10..03-12", "00:00-24:00"),
        ("within the next week", "03-10..03-17", "00:00-24:00"),
        ("not before 10", "03-10..03-10", "10:00-24:00"),
        ("not after 3", "03-10..03-10", "00:00-15:00"),
        ("same time tomorrow", "03-11..03-11", "10:00-10:01"),
        ("this time next week", "03-17..03-17", "10:00-10:01"),
        ("3 weeks today", "03-31..03-31", "00:00-24:00"),
        ("tomorrow @ 3", "03-11..03-11", "15:00-15:01"),
        ("friday 3 pm or later", "03-12..03-12", "15:00-24:00"),
        ("by end of day Friday", "03-12..03-12", "13:00-24:00"),
        ("all day Friday", "03-12..03-12", "00:00-24:00"),
        ("two weeks on Friday", "03-26..03-26", "00:00-24:00"),
        ("I'm free after 4 on Tuesday", "03-16..03-16", "16:00-24:00"),
        ("early evening tomorrow", "03-11..03-11", "17:00-19:00"),
        ("weekends only", "03-13..03-14", "00:00-24:00"),
        ("quarter to one", "03-10..03-10", "12:45-12:46"),
        ("a month from now", "04-10..04-10", "00:00-24:00"),
        ("in a month", "04-05..04-11", "00:00-24:00"),
        ("Mon-Wed next week", "03-15..03-17", "00:00-24:00"),
        ("after 2 and before 5", "03-10..03-10", "14:00-17:00"),
        ("let's meet on friday", "03-12..03-12", "00:00-24:00"),
        ("put me down for the 20th", "03-20..03-20", "00:00-24:00"),
        ("no earlier than 2", "03-10..03-10", "14:00-24:00"),
    ],
)
def test_everyday_phrases_beyond_the_corpus(phrase: str, days: str, hours: str) -> None:
    found = window(phrase)
    start, end = local(found.start), local(found.end)
    last = end - timedelta(minutes=1) if end.time() == time(0) else end
    assert f"{start:%m-%d}..{last:%m-%d}" == days
    assert f"{start:%H:%M}-{'24:00' if end.time() == time(0) else f'{end:%H:%M}'}" == hours


@pytest.mark.parametrize(
    "phrase",
    [
        "a.s.a.p.",
        "next opening",
        "your next opening",
        "I need an appointment asap",
        "the sooner the better",
    ],
)
def test_asking_for_the_earliest_has_no_window(phrase: str) -> None:
    assert resolve_when(phrase, WEDNESDAY, NEW_YORK) is None


def test_opening_with_a_day_is_first_thing_not_the_earliest() -> None:
    found = window("Monday at opening")
    assert (local(found.start).hour, local(found.end).hour) == (0, 10)


def test_wanting_to_come_in_without_saying_when_asks() -> None:
    with pytest.raises(UnclearTime):
        resolve_when("I want to come in", WEDNESDAY, NEW_YORK)


def test_an_unknown_word_names_what_was_understood() -> None:
    with pytest.raises(UnclearTime, match='I got Friday, March 12, but not "moon"'):
        resolve_when("Friday moon", WEDNESDAY, NEW_YORK)


def test_a_malformed_iso_time_is_refused_as_malformed_not_as_a_clock_change() -> None:
    for text in ("2026-12-02T10:00:00:30", "2026-12-02T10:00:00:30Z"):
        with pytest.raises(UnclearTime) as raised:
            resolve_start(text, WEDNESDAY, NEW_YORK)
        assert "clocks" not in raised.value.message
        with pytest.raises(UnclearTime) as raised:
            resolve_when(text, WEDNESDAY, NEW_YORK)
        assert "clocks" not in raised.value.message
    assert resolve_start("2026-12-02T10:00:30", WEDNESDAY, NEW_YORK) == datetime(
        2026, 12, 2, 10, 0, 30, tzinfo=NY
    )


WORDS = [
    "next",
    "this",
    "the",
    "of",
    "at",
    "in",
    "or",
    "but",
    "not",
    "except",
    "to",
    "from",
    "between",
    "and",
    "quarter",
    "half",
    "past",
    "to",
    "twenty",
    "five",
    "3",
    "15th",
    "pm",
    "around",
    "ish",
    "-",
    "/",
    ":",
    "morning",
    "week",
    "month",
    "Friday",
    "March",
    "12",
    "hours",
    "minutes",
    "first",
    "last",
    "day",
    "after",
    "before",
    "noon",
    "midnight",
    "a",
]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join).map(lambda s: s[:200]),
        st.text(alphabet="0123456789:/-. ", max_size=200),
        st.sampled_from(WORDS).map(lambda w: f"{w} " * 60).map(lambda s: s[:200]),
    )
)
def test_any_text_reads_quickly_or_asks_never_crashes(text: str) -> None:
    """Catastrophic regex backtracking would take seconds on 200 characters; a phrase takes
    well under a millisecond. Measured in this process's CPU time, so a busy machine (CI,
    parallel runs) does not fail it; the figures themselves are bench/phrases.py's."""
    began = timer.process_time()
    with contextlib.suppress(UnclearTime):
        resolve_when(text, WEDNESDAY, NEW_YORK)
    assert timer.process_time() - began < 1.0
