"""Words read for a whole day (agent_tools.when.resolve_when_on): where the reading does not
ask for the time of day, it is the reading at every moment of that day, so find_slots keeps
it all day; words that depend on the time say so (NeedsTheTime). Checked over every phrase
of the corpus (tests/agent_tools/corpus), each at moments across its day, DST days included."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from agent_tools.business import Business
from agent_tools.errors import UnclearTime
from agent_tools.when import NeedsTheTime, Window, resolve_when, resolve_when_on
from tests.agent_tools.corpus.table import business, rows

# Seconds of real time into the local day: midnight, early, the hours, the evening, the last
# second; and on a day the clocks go back, both 1:30s.
_MOMENTS = (0, 5 * 3600 + 1800, 9 * 3600, 13 * 3600 + 7 * 60 + 30, 16 * 3600 + 59 * 60, -1)


def _moments(day: date, where: Business) -> list[datetime]:
    zone = where.timezone
    start = datetime.combine(day, time(0)).replace(tzinfo=zone).timestamp()
    end = datetime.combine(day + timedelta(days=1), time(0)).replace(tzinfo=zone).timestamp()
    found = [datetime.fromtimestamp((end if s < 0 else start) + s, zone) for s in _MOMENTS]
    fold = datetime.combine(day, time(1, 30)).replace(tzinfo=zone, fold=1)
    if fold.utcoffset() != fold.replace(fold=0).utcoffset():
        found += [fold.replace(fold=0), fold]
    return found


def _reading(read: object) -> object:
    """A window by its exact key (instants as UTC seconds), or what was refused and why."""
    if isinstance(read, Window):
        return read.key
    return read


def _read(text: str, at: datetime, where: Business) -> object:
    try:
        return _reading(resolve_when(text, at, where))
    except UnclearTime as error:
        return f"unclear: {error}"


def _cases() -> list[tuple[str, str, date]]:
    found: dict[tuple[str, str, date], None] = {}
    for row in rows():
        where = business(row.business)
        day = where.today(row.reference)
        found[(row.phrase, row.business, day)] = None
    # The DST days of the test business, for the phrases said most.
    for phrase in (
        "today",
        "tomorrow morning",
        "this afternoon",
        "tonight",
        "at 1:30",
        "in an hour",
    ):
        for day in (date(2027, 3, 14), date(2027, 11, 7)):
            found[(phrase, "business", day)] = None
    return list(found)


def test_a_reading_for_the_day_is_the_reading_at_every_moment_of_it() -> None:
    for_the_day = needs_the_time = 0
    for phrase, name, day in _cases():
        where = business(name)
        try:
            read = _reading(resolve_when_on(phrase, day, where))
        except NeedsTheTime:
            needs_the_time += 1
            continue
        except UnclearTime as error:
            read = f"unclear: {error}"
        for_the_day += 1
        for at in _moments(day, where):
            assert _read(phrase, at, where) == read, (phrase, name, day, at)
    # Most words name days and parts of days (990 of the corpus's readings); some depend on
    # the hour they are said in (373: "at 3" is today while 3 PM is ahead, else tomorrow).
    assert for_the_day > 2 * needs_the_time > 0


@pytest.mark.parametrize(
    "words", ["in 20 minutes", "same time tomorrow", "at 3", "2 hours from now", "this time"]
)
def test_words_that_depend_on_the_time_of_day_say_so(words: str) -> None:
    with pytest.raises(NeedsTheTime):
        resolve_when_on(words, date(2027, 3, 10), business("business"))


@pytest.mark.parametrize(
    "words", ["tomorrow morning", "next Tuesday after lunch", "friday around 2", "this week"]
)
def test_words_that_name_days_and_parts_of_days_are_read_for_the_day(words: str) -> None:
    assert resolve_when_on(words, date(2027, 3, 10), business("business")) is not None
