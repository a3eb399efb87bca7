"""What callers say, read into exact windows: a table of phrases with the windows they mean.

Each row: the phrase, then ``start/end`` in local time with offset (plus ``HH:MM-HH:MM`` when the
window repeats daily), ``asap`` for "the earliest", or ``unclear`` for a clarifying question.
The conventions behind the rows are in docs/time-phrases.md.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tools.business import Business
from agent_tools.errors import UnclearTime
from agent_tools.when import resolve_when
from app.business_config import load_business

FIXTURES = Path(__file__).parent.parent / "fixtures"
NEW_YORK = load_business(FIXTURES / "business.toml")
LONDON = load_business(FIXTURES / "london.toml")

# Wednesday, March 10, 2027, 10:00 in New York (EST, four days before the clocks go forward).
WEDNESDAY = datetime(2027, 3, 10, 15, tzinfo=UTC)
NEW_YORK_PHRASES = [
    ("today", "2027-03-10T00:00-0500/2027-03-11T00:00-0500"),
    ("Today please", "2027-03-10T00:00-0500/2027-03-11T00:00-0500"),
    ("tonight", "2027-03-10T17:00-0500/2027-03-11T00:00-0500"),
    ("this evening", "2027-03-10T17:00-0500/2027-03-11T00:00-0500"),
    ("tomorrow", "2027-03-11T00:00-0500/2027-03-12T00:00-0500"),
    ("tmrw", "2027-03-11T00:00-0500/2027-03-12T00:00-0500"),
    ("the day after tomorrow", "2027-03-12T00:00-0500/2027-03-13T00:00-0500"),
    ("day after tomorrow", "2027-03-12T00:00-0500/2027-03-13T00:00-0500"),
    ("Monday", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("monday", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("this Monday", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("next Monday", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("coming Monday", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("this coming Monday", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("Tuesday", "2027-03-16T00:00-0400/2027-03-17T00:00-0400"),
    ("next Tuesday", "2027-03-16T00:00-0400/2027-03-17T00:00-0400"),
    ("Wednesday", "2027-03-17T00:00-0400/2027-03-18T00:00-0400"),
    ("this Wednesday", "2027-03-10T00:00-0500/2027-03-11T00:00-0500"),
    ("next Wednesday", "2027-03-17T00:00-0400/2027-03-18T00:00-0400"),
    ("Thursday", "2027-03-11T00:00-0500/2027-03-12T00:00-0500"),
    ("this Thursday", "2027-03-11T00:00-0500/2027-03-12T00:00-0500"),
    ("next Thursday", "2027-03-18T00:00-0400/2027-03-19T00:00-0400"),
    ("Friday", "2027-03-12T00:00-0500/2027-03-13T00:00-0500"),
    ("this Friday", "2027-03-12T00:00-0500/2027-03-13T00:00-0500"),
    ("next Friday", "2027-03-19T00:00-0400/2027-03-20T00:00-0400"),
    ("Saturday", "2027-03-13T00:00-0500/2027-03-14T00:00-0500"),
    ("Sunday", "2027-03-14T00:00-0500/2027-03-15T00:00-0400"),
    ("next Sunday", "2027-03-21T00:00-0400/2027-03-22T00:00-0400"),
    ("Mon", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("Tues", "2027-03-16T00:00-0400/2027-03-17T00:00-0400"),
    ("Thurs", "2027-03-11T00:00-0500/2027-03-12T00:00-0500"),
    ("fri", "2027-03-12T00:00-0500/2027-03-13T00:00-0500"),
    ("March 20", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("march 20th", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("March 20, 2027", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("20 March", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("the 20th of March", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("the 20th", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("the 9th", "2027-04-09T00:00-0400/2027-04-10T00:00-0400"),
    ("the 31st", "2027-03-31T00:00-0400/2027-04-01T00:00-0400"),
    ("3/20", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("3/20/27", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("3/20/2027", "2027-03-20T00:00-0400/2027-03-21T00:00-0400"),
    ("April 2nd", "2027-04-02T00:00-0400/2027-04-03T00:00-0400"),
    ("April 2", "2027-04-02T00:00-0400/2027-04-03T00:00-0400"),
    ("Apr 2", "2027-04-02T00:00-0400/2027-04-03T00:00-0400"),
    ("Monday the 15th", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("Tuesday the 16th", "2027-03-16T00:00-0400/2027-03-17T00:00-0400"),
    ("Monday, March 15", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("Tuesday the 15th", "unclear"),
    ("February 30", "unclear"),
    ("morning", "2027-03-10T00:00-0500/2027-03-10T12:00-0500"),
    ("in the morning", "2027-03-10T00:00-0500/2027-03-10T12:00-0500"),
    ("tomorrow morning", "2027-03-11T00:00-0500/2027-03-11T12:00-0500"),
    ("tomorrow in the morning", "2027-03-11T00:00-0500/2027-03-11T12:00-0500"),
    ("tomorrow afternoon", "2027-03-11T12:00-0500/2027-03-11T17:00-0500"),
    ("this afternoon", "2027-03-10T12:00-0500/2027-03-10T17:00-0500"),
    ("in the afternoon", "2027-03-10T12:00-0500/2027-03-10T17:00-0500"),
    ("tomorrow evening", "2027-03-11T17:00-0500/2027-03-12T00:00-0500"),
    ("Friday evening", "2027-03-12T17:00-0500/2027-03-13T00:00-0500"),
    ("early morning", "2027-03-11T00:00-0500/2027-03-11T10:00-0500"),
    ("late morning", "2027-03-10T10:30-0500/2027-03-10T12:00-0500"),
    ("mid-morning", "2027-03-10T09:30-0500/2027-03-10T11:30-0500"),
    ("mid morning", "2027-03-10T09:30-0500/2027-03-10T11:30-0500"),
    ("lunchtime", "2027-03-10T11:30-0500/2027-03-10T13:30-0500"),
    ("at lunch", "2027-03-10T11:30-0500/2027-03-10T13:30-0500"),
    ("around lunch", "2027-03-10T11:30-0500/2027-03-10T13:30-0500"),
    ("tomorrow at lunchtime", "2027-03-11T11:30-0500/2027-03-11T13:30-0500"),
    ("early afternoon", "2027-03-10T12:00-0500/2027-03-10T15:00-0500"),
    ("mid-afternoon", "2027-03-10T14:00-0500/2027-03-10T16:00-0500"),
    ("late afternoon", "2027-03-10T15:00-0500/2027-03-10T17:00-0500"),
    ("tomorrow late afternoon", "2027-03-11T15:00-0500/2027-03-11T17:00-0500"),
    ("first thing", "2027-03-11T00:00-0500/2027-03-11T10:00-0500"),
    ("first thing tomorrow", "2027-03-11T00:00-0500/2027-03-11T10:00-0500"),
    ("first thing in the morning", "2027-03-11T00:00-0500/2027-03-11T10:00-0500"),
    ("tomorrow first thing", "2027-03-11T00:00-0500/2027-03-11T10:00-0500"),
    ("first thing Monday", "2027-03-15T00:00-0400/2027-03-15T10:00-0400"),
    ("end of the day", "2027-03-10T15:00-0500/2027-03-11T00:00-0500"),
    ("end of day tomorrow", "2027-03-11T15:00-0500/2027-03-12T00:00-0500"),
    ("at the end of the day on Friday", "2027-03-12T13:00-0500/2027-03-13T00:00-0500"),
    ("after lunch", "2027-03-10T13:30-0500/2027-03-11T00:00-0500"),
    ("before lunch", "2027-03-10T00:00-0500/2027-03-10T11:30-0500"),
    ("after work", "2027-03-10T17:00-0500/2027-03-11T00:00-0500"),
    ("after 3", "2027-03-10T15:00-0500/2027-03-11T00:00-0500"),
    ("after 3pm", "2027-03-10T15:00-0500/2027-03-11T00:00-0500"),
    ("after 3:30", "2027-03-10T15:30-0500/2027-03-11T00:00-0500"),
    ("after 10", "2027-03-10T10:00-0500/2027-03-11T00:00-0500"),
    ("before noon", "2027-03-10T00:00-0500/2027-03-10T12:00-0500"),
    ("before 11", "2027-03-10T00:00-0500/2027-03-10T11:00-0500"),
    ("before 2", "2027-03-10T00:00-0500/2027-03-10T14:00-0500"),
    ("by 4", "2027-03-10T00:00-0500/2027-03-10T16:00-0500"),
    ("between 1 and 3", "2027-03-10T13:00-0500/2027-03-10T15:00-0500"),
    ("between 1 and 3pm", "2027-03-10T13:00-0500/2027-03-10T15:00-0500"),
    ("between 10 and 2", "2027-03-10T10:00-0500/2027-03-10T14:00-0500"),
    ("from 9 to 11", "2027-03-10T09:00-0500/2027-03-10T11:00-0500"),
    ("from 2 to 4 tomorrow", "2027-03-11T14:00-0500/2027-03-11T16:00-0500"),
    ("10-11", "2027-03-10T10:00-0500/2027-03-10T11:00-0500"),
    ("tomorrow 10-11", "2027-03-11T10:00-0500/2027-03-11T11:00-0500"),
    ("at 2:30", "2027-03-10T14:30-0500/2027-03-10T14:31-0500"),
    ("at 2:30 pm", "2027-03-10T14:30-0500/2027-03-10T14:31-0500"),
    ("2:30", "2027-03-10T14:30-0500/2027-03-10T14:31-0500"),
    ("at 9", "2027-03-11T09:00-0500/2027-03-11T09:01-0500"),
    ("at 4", "2027-03-10T16:00-0500/2027-03-10T16:01-0500"),
    ("at noon", "2027-03-10T12:00-0500/2027-03-10T12:01-0500"),
    ("noon", "2027-03-10T12:00-0500/2027-03-10T12:01-0500"),
    ("midday", "2027-03-10T12:00-0500/2027-03-10T12:01-0500"),
    ("tomorrow at noon", "2027-03-11T12:00-0500/2027-03-11T12:01-0500"),
    ("at 10am", "2027-03-10T10:00-0500/2027-03-10T10:01-0500"),
    ("10 am", "2027-03-10T10:00-0500/2027-03-10T10:01-0500"),
    ("10 a.m.", "2027-03-10T10:00-0500/2027-03-10T10:01-0500"),
    ("tomorrow at 9:30 am", "2027-03-11T09:30-0500/2027-03-11T09:31-0500"),
    ("2pm tomorrow", "2027-03-11T14:00-0500/2027-03-11T14:01-0500"),
    ("at two", "2027-03-10T14:00-0500/2027-03-10T14:01-0500"),
    ("at two thirty", "2027-03-10T14:30-0500/2027-03-10T14:31-0500"),
    ("around 2", "2027-03-10T13:00-0500/2027-03-10T15:00-0500"),
    ("around 11", "2027-03-10T10:00-0500/2027-03-10T12:00-0500"),
    ("about 3pm", "2027-03-10T14:00-0500/2027-03-10T16:00-0500"),
    ("2ish", "2027-03-10T13:00-0500/2027-03-10T15:00-0500"),
    ("this weekend", "2027-03-13T00:00-0500/2027-03-15T00:00-0400"),
    ("the weekend", "2027-03-13T00:00-0500/2027-03-15T00:00-0400"),
    ("next weekend", "2027-03-20T00:00-0400/2027-03-22T00:00-0400"),
    ("this week", "2027-03-10T00:00-0500/2027-03-15T00:00-0400"),
    ("later this week", "2027-03-11T00:00-0500/2027-03-15T00:00-0400"),
    ("end of the week", "2027-03-11T00:00-0500/2027-03-15T00:00-0400"),
    ("next week", "2027-03-15T00:00-0400/2027-03-22T00:00-0400"),
    ("the following week", "2027-03-15T00:00-0400/2027-03-22T00:00-0400"),
    ("early next week", "2027-03-15T00:00-0400/2027-03-18T00:00-0400"),
    ("end of next week", "2027-03-18T00:00-0400/2027-03-22T00:00-0400"),
    ("in 3 days", "2027-03-13T00:00-0500/2027-03-14T00:00-0500"),
    ("in three days", "2027-03-13T00:00-0500/2027-03-14T00:00-0500"),
    ("in a few days", "2027-03-13T00:00-0500/2027-03-14T00:00-0500"),
    ("in a week", "2027-03-15T00:00-0400/2027-03-22T00:00-0400"),
    ("in two weeks", "2027-03-22T00:00-0400/2027-03-29T00:00-0400"),
    ("in 2 weeks", "2027-03-22T00:00-0400/2027-03-29T00:00-0400"),
    ("in a couple of weeks", "2027-03-22T00:00-0400/2027-03-29T00:00-0400"),
    ("this month", "2027-03-10T00:00-0500/2027-04-01T00:00-0400"),
    ("later this month", "2027-03-10T00:00-0500/2027-04-01T00:00-0400"),
    ("end of the month", "2027-03-25T00:00-0400/2027-04-01T00:00-0400"),
    ("next month", "2027-04-01T00:00-0400/2027-05-01T00:00-0400"),
    ("early next month", "2027-04-01T00:00-0400/2027-04-08T00:00-0400"),
    ("the first week of April", "2027-04-01T00:00-0400/2027-04-08T00:00-0400"),
    ("the second week of April", "2027-04-08T00:00-0400/2027-04-15T00:00-0400"),
    ("the last week of March", "2027-03-25T00:00-0400/2027-04-01T00:00-0400"),
    ("first week of april", "2027-04-01T00:00-0400/2027-04-08T00:00-0400"),
    ("as soon as possible", "asap"),
    ("asap", "asap"),
    ("ASAP", "asap"),
    ("earliest", "asap"),
    ("earliest available", "asap"),
    ("first available", "asap"),
    ("next available", "asap"),
    ("soonest", "asap"),
    ("whenever", "asap"),
    ("anytime", "asap"),
    ("no preference", "asap"),
    ("next Tuesday after lunch", "2027-03-16T13:30-0400/2027-03-17T00:00-0400"),
    ("Friday around 2", "2027-03-12T13:00-0500/2027-03-12T15:00-0500"),
    ("next Monday morning", "2027-03-15T00:00-0400/2027-03-15T12:00-0400"),
    (
        "sometime next week in the afternoon",
        "2027-03-15T12:00-0400/2027-03-21T17:00-0400 12:00-17:00",
    ),
    ("next week in the mornings", "2027-03-15T00:00-0400/2027-03-21T12:00-0400 00:00-12:00"),
    ("this weekend in the morning", "2027-03-13T00:00-0500/2027-03-14T12:00-0400 00:00-12:00"),
    # Lists are read now (TIME-FORMAT.md; their spans are in the corpus): an unknown alternative
    # still asks.
    ("Tuesday or blue", "unclear"),
    ("March 15 at 2pm", "2027-03-15T14:00-0400/2027-03-15T14:01-0400"),
    ("3/15 at 2:30pm", "2027-03-15T14:30-0400/2027-03-15T14:31-0400"),
    ("at 3 on Thursday", "2027-03-11T15:00-0500/2027-03-11T15:01-0500"),
    ("Thursday at 7", "2027-03-11T07:00-0500/2027-03-11T07:01-0500"),
    ("thursday 4:15 p.m.", "2027-03-11T16:15-0500/2027-03-11T16:16-0500"),
    ("Thursday after 2", "2027-03-11T14:00-0500/2027-03-12T00:00-0500"),
    ("Friday before noon", "2027-03-12T00:00-0500/2027-03-12T12:00-0500"),
    ("tomorrow between 1 and 3", "2027-03-11T13:00-0500/2027-03-11T15:00-0500"),
    ("Monday between 9 and 11", "2027-03-15T09:00-0400/2027-03-15T11:00-0400"),
    ("next Friday at 10", "2027-03-19T10:00-0400/2027-03-19T10:01-0400"),
    ("2027-03-15", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
    ("2027-03-15T14:00", "2027-03-15T14:00-0400/2027-03-16T00:00-0400"),
    ("2027-03-15T14:00:00-04:00", "2027-03-15T14:00-0400/2027-03-16T00:00-0400"),
    ("2027-03-15T09:00/2027-03-15T12:00", "2027-03-15T09:00-0400/2027-03-15T12:00-0400"),
    ("purple monkey", "unclear"),
    ("whenever the moon is full", "unclear"),
    ("tomorrow or whenever the moon is full", "unclear"),
    ("at 25", "unclear"),
    ("13pm", "unclear"),
    ("the 32nd", "unclear"),
    ("sometime", "asap"),  # TIME-FORMAT.md: "sometime" alone is the earliest
    ("yesterday", "unclear"),
]

# Saturday, March 13, 2027, 10:00 EST: tomorrow is 23 hours long and 2:00-2:59 AM never happens.
SPRING_FORWARD = datetime(2027, 3, 13, 15, tzinfo=UTC)
SPRING_FORWARD_PHRASES = [
    ("tomorrow", "2027-03-14T00:00-0500/2027-03-15T00:00-0400"),
    ("Sunday", "2027-03-14T00:00-0500/2027-03-15T00:00-0400"),
    ("this weekend", "2027-03-13T00:00-0500/2027-03-15T00:00-0400"),
    ("tomorrow morning", "2027-03-14T00:00-0500/2027-03-14T12:00-0400"),
    ("tomorrow at 2:30 am", "unclear"),
    ("tomorrow at 3am", "2027-03-14T03:00-0400/2027-03-14T03:01-0400"),
    ("tomorrow at 1:45am", "2027-03-14T01:45-0500/2027-03-14T01:46-0500"),
    ("tomorrow before 4am", "2027-03-14T00:00-0500/2027-03-14T04:00-0400"),
    ("tomorrow between 1 and 4 am", "2027-03-14T01:00-0500/2027-03-14T04:00-0400"),
    ("tonight", "2027-03-13T17:00-0500/2027-03-14T00:00-0500"),
    ("today", "2027-03-13T00:00-0500/2027-03-14T00:00-0500"),
    ("next week", "2027-03-15T00:00-0400/2027-03-22T00:00-0400"),
    ("Monday", "2027-03-15T00:00-0400/2027-03-16T00:00-0400"),
]

# Saturday, November 6, 2027, 10:00 EDT: tomorrow is 25 hours long and 1:00-1:59 AM happens twice.
FALL_BACK = datetime(2027, 11, 6, 14, tzinfo=UTC)
FALL_BACK_PHRASES = [
    ("tomorrow", "2027-11-07T00:00-0400/2027-11-08T00:00-0500"),
    ("tomorrow at 1:30am", "2027-11-07T01:30-0400/2027-11-07T01:31-0400"),
    ("tomorrow morning", "2027-11-07T00:00-0400/2027-11-07T12:00-0500"),
    ("tomorrow before 3am", "2027-11-07T00:00-0400/2027-11-07T03:00-0500"),
    ("this weekend", "2027-11-06T00:00-0400/2027-11-08T00:00-0500"),
    ("Monday", "2027-11-08T00:00-0500/2027-11-09T00:00-0500"),
    ("11/7", "2027-11-07T00:00-0400/2027-11-08T00:00-0500"),
    ("the 8th", "2027-11-08T00:00-0500/2027-11-09T00:00-0500"),
]

# Friday, March 26, 2027, 10:00 GMT in London (day-first dates, "next Friday" = the upcoming one).
LONDON_SPRING = datetime(2027, 3, 26, 10, tzinfo=UTC)
LONDON_SPRING_PHRASES = [
    ("3/4", "2027-04-03T00:00+0100/2027-04-04T00:00+0100"),
    ("28/3", "2027-03-28T00:00+0000/2027-03-29T00:00+0100"),
    ("28/03/2027", "2027-03-28T00:00+0000/2027-03-29T00:00+0100"),
    ("Sunday", "2027-03-28T00:00+0000/2027-03-29T00:00+0100"),
    ("tomorrow", "2027-03-27T00:00+0000/2027-03-28T00:00+0000"),
    ("this weekend", "2027-03-27T00:00+0000/2027-03-29T00:00+0100"),
    ("Sunday at 1:30am", "unclear"),
    ("Sunday at 2:30am", "2027-03-28T02:30+0100/2027-03-28T02:31+0100"),
    ("Sunday morning", "2027-03-28T00:00+0000/2027-03-28T12:00+0100"),
    ("next Friday", "2027-04-02T00:00+0100/2027-04-03T00:00+0100"),
    ("next Monday", "2027-03-29T00:00+0100/2027-03-30T00:00+0100"),
    ("tonight", "2027-03-26T17:00+0000/2027-03-26T21:00+0000"),
    ("the evening", "2027-03-26T17:00+0000/2027-03-26T21:00+0000"),
    ("this evening", "2027-03-26T17:00+0000/2027-03-26T21:00+0000"),
    ("28 March", "2027-03-28T00:00+0000/2027-03-29T00:00+0100"),
]

# Saturday, October 30, 2027, 10:00 BST in London.
LONDON_FALL = datetime(2027, 10, 30, 9, tzinfo=UTC)
LONDON_FALL_PHRASES = [
    ("tomorrow", "2027-10-31T00:00+0100/2027-11-01T00:00+0000"),
    ("tomorrow at 1:30am", "2027-10-31T01:30+0100/2027-10-31T01:31+0100"),
    ("31/10", "2027-10-31T00:00+0100/2027-11-01T00:00+0000"),
    ("the 1st", "2027-11-01T00:00+0000/2027-11-02T00:00+0000"),
    ("tomorrow before 2am", "2027-10-31T00:00+0100/2027-10-31T02:00+0000"),
    ("next weekend", "2027-11-06T00:00+0000/2027-11-08T00:00+0000"),
]

CASES = [
    *[(NEW_YORK, WEDNESDAY, *row) for row in NEW_YORK_PHRASES],
    *[(NEW_YORK, SPRING_FORWARD, *row) for row in SPRING_FORWARD_PHRASES],
    *[(NEW_YORK, FALL_BACK, *row) for row in FALL_BACK_PHRASES],
    *[(LONDON, LONDON_SPRING, *row) for row in LONDON_SPRING_PHRASES],
    *[(LONDON, LONDON_FALL, *row) for row in LONDON_FALL_PHRASES],
]


def describe(business: Business, reference: datetime, phrase: str) -> str:
    try:
        window = resolve_when(phrase, reference, business)
    except UnclearTime:
        return "unclear"
    if window is None:
        return "asap"
    daily = f" {window.daily[0]:%H:%M}-{window.daily[1]:%H:%M}" if window.daily else ""
    return f"{window.start:%Y-%m-%dT%H:%M%z}/{window.end:%Y-%m-%dT%H:%M%z}{daily}"


def test_the_table_is_large_enough_to_mean_something() -> None:
    assert len(CASES) >= 150
    assert len({(b.id, r, p) for b, r, p, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("business", "reference", "phrase", "expected"),
    CASES,
    ids=[f"{b.id}:{r:%m%d}:{p}" for b, r, p, _ in CASES],
)
def test_phrase_means_window(
    business: Business, reference: datetime, phrase: str, expected: str
) -> None:
    assert describe(business, reference, phrase) == expected


def test_an_unclear_phrase_asks_a_question() -> None:
    with pytest.raises(UnclearTime) as raised:
        resolve_when("tomorrow or the moon", WEDNESDAY, NEW_YORK)
    assert raised.value.message.endswith("?")


def test_a_weekday_that_does_not_match_the_date_is_pointed_out() -> None:
    with pytest.raises(UnclearTime, match="March 15 is a Monday, not a Tuesday"):
        resolve_when("Tuesday the 15th", WEDNESDAY, NEW_YORK)


def test_the_window_says_what_was_searched() -> None:
    window = resolve_when("next Tuesday after lunch", WEDNESDAY, NEW_YORK)
    assert window is not None
    assert window.phrase == "on Tuesday, March 16 after 1:30 PM"
    evening = resolve_when("sometime next week in the afternoon", WEDNESDAY, NEW_YORK)
    assert evening is not None
    assert evening.phrase == ("between Monday, March 15 and Sunday, March 21 between noon and 5 PM")


# -- properties ----------------------------------------------------------------------------

WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
instants = st.datetimes(
    min_value=datetime(2027, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300)
@given(
    reference=instants,
    business=st.sampled_from([NEW_YORK, LONDON]),
    qualifier=st.sampled_from(["", "this ", "next ", "coming "]),
    weekday=st.sampled_from(WEEKDAY_NAMES),
    part=st.sampled_from(
        ["", " morning", " afternoon", " after 2", " at 10:30", " before noon", " between 1 and 3"]
    ),
)
def test_weekday_phrases_land_on_that_weekday_soon_with_the_right_offsets(
    reference: datetime, business: Business, qualifier: str, weekday: str, part: str
) -> None:
    zone: ZoneInfo = business.timezone
    window = resolve_when(f"{qualifier}{weekday}{part}", reference, business)
    assert window is not None
    today = reference.astimezone(zone).date()
    assert window.start.date().weekday() == WEEKDAY_NAMES.index(weekday)
    assert today <= window.start.date() <= today + timedelta(days=14)
    assert window.start < window.end <= window.start + timedelta(hours=25)
    for moment in (window.start, window.end):
        assert moment.utcoffset() == zone.utcoffset(moment.replace(tzinfo=None))
    assert resolve_when(f"{qualifier}{weekday}{part}", reference, business) == window


@settings(max_examples=200)
@given(reference=instants, days=st.integers(0, 45), business=st.sampled_from([NEW_YORK, LONDON]))
def test_in_n_days_is_that_whole_local_day(
    reference: datetime, days: int, business: Business
) -> None:
    window = resolve_when(f"in {days} days", reference, business)
    assert window is not None
    zone = business.timezone
    expected = reference.astimezone(zone).date() + timedelta(days=days)
    assert window.start.date() == expected
    assert (window.start.hour, window.start.minute) == (0, 0)
    assert window.end.date() == expected + timedelta(days=1)
    assert (window.end.hour, window.end.minute) == (0, 0)
