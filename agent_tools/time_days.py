"""The day references of the grammar: each rule recognises one kind ("tomorrow", "in 3 days",
"Wednesday next week", "the first Tuesday of next month", "mid April", "3/20", "Friday") and sets
the reader's days. Tried in order, the most specific first; conventions in docs/time-phrases.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from agent_tools import time_calendar as cal
from agent_tools.errors import UnclearTime
from agent_tools.time_reader import _MONTH, _NEXT, _WD, Context, Reader, moment_after
from agent_tools.time_words import END, MONTHS, WEEKDAY_NAMES, WEEKDAYS, mentions

_ANCHOR = rf"(?P<anchor>today|tomorrow|now|{WEEKDAY_NAMES})"


def offsets(reader: Reader) -> None:
    """ "in 20 minutes", "3 hours from now" (from then to the end of that day), "in 3 days",
    "2 days from tomorrow", "a week from Tuesday", "in 2 weeks" (that calendar week)."""
    if not _mentions(reader, "minute", "hour", "day", "week", "month"):
        return
    context = reader.context
    if match := reader.take(
        r"(?:today )?(?:in (?P<n>\d+) (?P<u>minute|hour)s?|(?P<n2>\d+) (?P<u2>minute|hour)s?"
        r" (?:from now|later))"
    ):
        count, unit = int(match["n"] or match["n2"]), match["u"] or match["u2"]
        moment = moment_after(context, count * (60 if unit == "hour" else 1))
        reader.set_days(moment.date())
        reader.part = moment.time(), END
    elif match := reader.take(
        rf"(?P<n>\d+) (?P<u>day|week)s? (?:from|after|on) {_ANCHOR}|(?P<n2>\d+) (?P<u2>day|week)s?"
        r" (?:later|from now)|(?P<n3>\d+) weeks? today"
    ):
        count = int(match["n"] or match["n2"] or match["n3"])
        days = count * (7 if (match["u"] or match["u2"] or "week") == "week" else 1)
        anchor = match["anchor"] or "today"
        reader.set_days(_anchor_day(reader, anchor) + timedelta(days=days))
    elif match := reader.take(
        r"(?:in|within|over|during) the next (?:(?P<n>\d+) )?(?P<u>day|week)s?"
    ):
        count = int(match["n"] or 1) * (7 if match["u"] == "week" else 1)
        reader.set_days(reader.today, reader.today + timedelta(days=count))
    elif match := reader.take(
        r"(?P<n>\d+) months? (?:from|after) (?P<anchor>today|now|tomorrow)|in (?P<n2>\d+) months?"
    ):
        day = _anchor_day(reader, match["anchor"] or "today")
        month_index = day.month - 1 + int(match["n"] or match["n2"])
        first = date(day.year + month_index // 12, month_index % 12 + 1, 1)
        later = first.replace(day=min(day.day, cal.month_end(first).day))
        if match["anchor"]:  # "a month from today": that day
            reader.set_days(later)
        else:  # "in a month": that calendar week, like "in a week"
            monday = cal.monday_of(later)
            reader.set_days(monday, monday + timedelta(days=6))
    elif match := reader.take(r"in (?P<n>\d+) (?P<u>day|week)s?"):
        count = int(match["n"])
        if match["u"] == "day":
            reader.set_days(reader.today + timedelta(days=count))
        else:
            monday = cal.monday_of(reader.today + timedelta(weeks=count))
            reader.set_days(max(monday, reader.today), monday + timedelta(days=6))


def _mentions(reader: Reader, *words: str) -> bool:
    """A cheap test before a rule's patterns: does the phrase hold any of these words?"""
    return any(word in reader.words for word in words)


def _anchor_day(reader: Reader, anchor: str) -> date:
    if anchor in ("today", "now"):
        return reader.today
    if anchor == "tomorrow":
        return reader.today + timedelta(days=1)
    return reader.today + timedelta(days=(WEEKDAYS[anchor] - reader.today.weekday() - 1) % 7 + 1)


def relative_days(reader: Reader) -> None:
    if not _mentions(reader, "to", "this "):
        return
    today = reader.today
    if reader.take(r"(?:the )?day after tomorrow"):
        reader.set_days(today + timedelta(days=2))
    elif reader.take(r"tonight|this evening"):
        reader.set_days(today)
        reader.part = reader.conventions.day_parts["evening"]
    elif reader.take(r"today|this(?= (?:morning|afternoon|evening))"):
        reader.set_days(today)
    elif reader.take(r"tomorrow"):
        reader.set_days(today + timedelta(days=1))


def weekday_of_week(reader: Reader) -> None:
    """ "Wednesday next week", "Friday of this week", "next week on Thursday"."""
    if not _mentions(reader, "week"):
        return
    which = rf"(?P<w>this|current|{_NEXT})"
    match = reader.take(rf"{_WD}s? (?:of |on )?(?:the )?{which} week") or reader.take(
        rf"(?:the )?{which} week (?:on )?{_WD}"
    )
    if match:
        monday, _ = cal.week(reader.today, match["w"])
        reader.set_days(monday + timedelta(days=WEEKDAYS[match["wd"]]))


def nth_weekday(reader: Reader) -> None:
    """ "the first Tuesday of next month", "the last Friday in March"."""
    if not _mentions(reader, " of ", " in "):
        return
    if match := reader.take(rf"(?:the )?(?P<o>[1-5]th|last) {_WD} (?:of|in) {_MONTH}"):
        first = cal.month(reader.today, match["mo"])
        reader.set_days(cal.nth_weekday(first, match["o"], WEEKDAYS[match["wd"]]))


def day_of_month(reader: Reader) -> None:
    """ "the 20th of next month", "20 of this month", "the last day of March"."""
    if not _mentions(reader, "month", "day of"):
        return
    relative = r"(?P<mo>(?:the )?(?:this|current|next|upcoming|coming|following) month|the month)"
    if match := reader.take(
        rf"(?:the )?(?P<d>\d{{1,2}})(?:th)? (?:day )?(?:of )?{relative}"
        rf"|(?:the )?(?P<d2>\d{{1,2}}th|last) day of {_MONTH.replace('<mo>', '<mo2>')}"
    ):
        first = cal.month(reader.today, match["mo"] or match["mo2"])
        number = (match["d"] or match["d2"]).removesuffix("th")
        if number == "last":
            reader.set_days(cal.month_end(first))
        else:
            reader.set_days(cal.day_of_month(first, int(number)))


def week_of_month(reader: Reader) -> None:
    """ "the first week of April" (days 1-7) ... "the last week of next month"."""
    if not _mentions(reader, "week"):
        return
    if match := reader.take(rf"(?:the )?(?P<o>[1-4]th|last) week (?:of|in) {_MONTH}"):
        _set_clipped(reader, cal.week_of_month(cal.month(reader.today, match["mo"]), match["o"]))


def week_of(reader: Reader) -> None:
    """ "the week of the 18th", "the week of March 22": that Monday-Sunday week."""
    if not _mentions(reader, "week of"):
        return
    if match := reader.take(r"(?:the )?week of (?P<rest>.+)"):
        days = read_days(match["rest"], reader.context)
        if days is None:
            raise UnclearTime("Which week did you mean?", heard=match[0].strip())
        monday = cal.monday_of(days[0])
        reader.set_days(monday, monday + timedelta(days=6))


def weeks(reader: Reader) -> None:
    """This/next week, their beginning/middle/end, the weekend, the week after next."""
    if not _mentions(reader, "week"):
        return
    today = reader.today
    this = rf"(?P<w>this|current|the|{_NEXT})"
    this2 = this.replace("<w>", "<w2>")
    if reader.take(r"(?:the )?weekend after next"):
        saturday = cal.week(today, "after next")[0] + timedelta(days=5)
        reader.set_days(saturday, saturday + timedelta(days=1))
    elif reader.take(r"(?:the )?next weekend|the weekend after"):
        saturday = cal.week(today, "next")[0] + timedelta(days=5)
        reader.set_days(saturday, saturday + timedelta(days=1))
    elif reader.take(r"(?:this |the )?weekends?"):
        saturday = cal.monday_of(today) + timedelta(days=5)
        reader.set_days(max(saturday, today), saturday + timedelta(days=1))
    elif reader.take(r"later (?:this|in the) week"):
        reader.set_days(today + timedelta(days=1), cal.week(today, "this")[1])
    elif match := reader.take(
        rf"(?:at )?(?:the )?(?P<p>beginning|start|early|middle|mid|end|late|later)(?: of| in)?"
        rf" (?:{this} )?week(?P<an> after next)?|(?P<p2>midweek)(?: {this2} week)?"
    ):
        which = "after next" if match["an"] else match["w"] or match["w2"]
        days = cal.week_part(cal.week(today, which), match["p"] or match["p2"])
        _set_clipped(reader, days)
    elif reader.take(r"(?:the )?week after next"):
        reader.set_days(*cal.week(today, "after next"))
    elif match := reader.take(rf"(?:the )?(?:rest of |sometime )?{this} week"):
        _set_clipped(reader, cal.week(today, match["w"]))


def months(reader: Reader) -> None:
    """A month, its beginning/middle/end, the first..last week of it, the rest of it."""
    today = reader.today
    if match := reader.take(r"(?:the )?rest of (?:the|this) month|later this month"):
        reader.set_days(today, cal.month_end(today))
    elif match := reader.take(
        rf"(?:at )?(?:the )?(?P<p>beginning|start|early|middle|mid|end|late)(?: of)? {_MONTH}"
        r"|(?P<mid>mid month)"
    ):
        first = cal.month(today, "this" if match["mid"] else match["mo"])
        _set_clipped(reader, cal.month_part(first, match["p"] or "mid"))
    elif match := reader.take(rf"(?:sometime )?(?:in |during )?{_MONTH}"):
        first = cal.month(today, match["mo"])
        _set_clipped(reader, (first, cal.month_end(first)))


def _set_clipped(reader: Reader, days: cal.Days) -> None:
    first, last = days
    if last < reader.today:
        raise UnclearTime("That's already past. Which day would you like?", heard=str(first))
    reader.set_days(max(first, reader.today), last)


def dates(reader: Reader) -> None:
    """ "March 20", "the 20th of March", "3/20", "2027/04/01", "the 20th", "Thursday the 15th"."""
    if not mentions(reader.words, tuple("0123456789")):
        return
    weekday = rf"(?:{_WD} )?"
    year = r"(?: (?P<y>\d{4}))?"
    if match := reader.take(
        rf"{weekday}(?P<mo>{'|'.join(MONTHS)}) (?:the )?(?P<d>\d{{1,2}})(?:th)?{year}"
        rf"(?: (?P<wd2>{WEEKDAY_NAMES}))?"
    ) or reader.take(
        rf"{weekday}(?:the )?(?P<d>\d{{1,2}})(?:th)? (?:of )?(?P<mo>{'|'.join(MONTHS)}){year}"
    ):
        day = _month_day(reader, MONTHS[match["mo"]], int(match["d"]), match["y"])
    elif match := reader.take(r"(?P<y>\d{4})/(?P<a>\d{1,2})/(?P<b>\d{1,2})"):
        day = _month_day(reader, int(match["a"]), int(match["b"]), match["y"])
    elif match := reader.take(rf"{weekday}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?:/(?P<y>\d{{2,4}}))?"):
        month, number = int(match["a"]), int(match["b"])
        if reader.conventions.date_order == "dmy":
            month, number = number, month
        said_year = match["y"]
        if said_year and len(said_year) == 2:
            said_year = f"20{said_year}"
        day = _month_day(reader, month, number, said_year)
    elif match := reader.take(
        rf"{weekday}(?:(?:the|on) (?P<d>\d{{1,2}})(?:th)?|(?:the |on )?(?P<o>\d{{1,2}})th)"
    ):
        day = _next_numbered(reader, int(match["d"] or match["o"]))
    else:
        return
    said = match.groupdict().get("wd") or match.groupdict().get("wd2")
    if said and WEEKDAYS[said] != day.weekday():
        raise UnclearTime(
            f"{day:%B} {day.day} is a {day:%A}, not a {calendar.day_name[WEEKDAYS[said]]}. "
            "Which day did you mean?",
            heard=match[0].strip(),
        )
    reader.set_days(day)


def _month_day(reader: Reader, month: int, number: int, year: str | None = None) -> date:
    today = reader.today
    years = [int(year)] if year else range(today.year, today.year + 9)
    for candidate_year in years:
        try:
            candidate = date(candidate_year, month, number)
        except ValueError:
            continue
        if year or candidate >= today:
            return candidate
    raise UnclearTime("That date doesn't exist. Which day did you mean?", heard=f"{month}/{number}")


def _next_numbered(reader: Reader, number: int) -> date:
    year, month = reader.today.year, reader.today.month
    for _ in range(3):
        if 1 <= number <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, number)
            if candidate >= reader.today:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise UnclearTime("That date doesn't exist. Which day did you mean?", heard=str(number))


def weekdays(reader: Reader) -> None:
    """ "Friday", "this Friday", "next Friday" (per ``conventions.next_weekday``)."""
    match = reader.take(rf"(?:(?P<q>this|next|coming|this coming|upcoming) )?{_WD}s?")
    if match is None:
        return
    today = reader.today
    target = WEEKDAYS[match["wd"]]
    ahead = (target - today.weekday()) % 7
    if match["q"] == "next" and reader.conventions.next_weekday == "following_week":
        reader.set_days(cal.week(today, "next")[0] + timedelta(days=target))
        return
    if ahead == 0 and match["q"] != "this":
        ahead = 7  # "Monday" said on a Monday means next week's
    reader.set_days(today + timedelta(days=ahead))


DAY_RULES: list[Callable[[Reader], None]] = [
    offsets,
    relative_days,
    weekday_of_week,
    nth_weekday,
    day_of_month,
    week_of_month,
    week_of,
    weeks,
    dates,
    months,
    weekdays,
]


def read(words: str, context: Context) -> Reader:
    """One phrase read: its days, part of day and clock (see :class:`Reader`)."""
    return Reader(words, context).parse(DAY_RULES)


def read_days(words: str, context: Context) -> cal.Days | None:
    """The days of a phrase that names only days ("next Friday", "the 20th"), else None."""
    try:
        reader = Reader(words, context).parse(DAY_RULES, explain=False)
    except UnclearTime:
        return None
    if reader.part is not None or reader.clock is not None:
        return None
    return reader.days
