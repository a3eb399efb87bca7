"""The pure slot engine: hours, rules, busy time, buffers and DST, on plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tools.availability import (
    Interval,
    SlotQuery,
    iter_slots,
    merge,
    spread,
    wall_to_seconds,
)
from agent_tools.business import BookingRules, Business, OpenRange, Service

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
HOUR = 3600


def shop(zone: ZoneInfo = NEW_YORK, /, **hours: list[tuple[str, str]]) -> Business:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    weekly = {
        days.index(day): tuple(
            OpenRange(time.fromisoformat(a), time.fromisoformat(b)) for a, b in ranges
        )
        for day, ranges in hours.items()
    }
    return Business(
        id="shop",
        name="Shop",
        timezone=zone,
        weekly_hours=weekly,
        services=(Service("Visit", "visit", timedelta(minutes=60)),),
        rules=BookingRules(slot_interval=timedelta(minutes=15), min_notice=timedelta(0)),
    )


ALWAYS_OPEN = {d: [("00:00", "23:59")] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=zone).timestamp())


def local(seconds: int, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.fromtimestamp(seconds, zone)


def slots(
    business: Business,
    start: int,
    end: int,
    *,
    busy: list[Interval] | None = None,
    service: Service | None = None,
    not_before: int = 0,
) -> list[int]:
    query = SlotQuery(
        service=service or business.services[0],
        window=Interval(start, end),
        not_before=not_before,
        not_after=2**40,
        busy=merge(busy or []),
    )
    return list(iter_slots(business, query))


def test_a_plain_day_offers_every_quarter_hour_that_fits_before_closing() -> None:
    business = shop(wed=[("09:00", "17:00")])
    found = slots(business, at(NEW_YORK, 2027, 3, 10), at(NEW_YORK, 2027, 3, 11))
    assert [local(s).strftime("%H:%M") for s in found[:3]] == ["09:00", "09:15", "09:30"]
    assert local(found[-1]).strftime("%H:%M") == "16:00"
    assert len(found) == 29


def test_a_visit_never_straddles_the_lunch_break() -> None:
    business = shop(mon=[("09:00", "12:00"), ("13:00", "17:00")])
    found = {
        local(s).strftime("%H:%M")
        for s in slots(business, at(NEW_YORK, 2027, 3, 8), at(NEW_YORK, 2027, 3, 9))
    }
    assert "11:00" in found
    assert not {"11:15", "11:30", "11:45", "12:00", "12:45"} & found
    assert "13:00" in found


def test_closed_weekdays_closures_and_special_hours() -> None:
    business = replace(
        shop(wed=[("09:00", "17:00")], thu=[("09:00", "17:00")]),
        closures=frozenset({date(2027, 3, 11)}),
        special_hours={date(2027, 3, 17): (OpenRange(time(10), time(12)),)},
    )
    week = slots(business, at(NEW_YORK, 2027, 3, 10), at(NEW_YORK, 2027, 3, 18))
    days = {local(s).date() for s in week}
    assert days == {date(2027, 3, 10), date(2027, 3, 17)}  # Thursday closed, weekend closed
    special = [local(s).strftime("%H:%M") for s in week if local(s).date() == date(2027, 3, 17)]
    assert special == ["10:00", "10:15", "10:30", "10:45", "11:00"]


def test_busy_time_and_buffers_keep_slots_away() -> None:
    business = shop(wed=[("09:00", "17:00")])
    cleaning = Service(
        "Cleaning",
        "cleaning",
        timedelta(minutes=60),
        buffer_before=timedelta(minutes=15),
        buffer_after=timedelta(minutes=10),
    )
    busy = [Interval(at(NEW_YORK, 2027, 3, 10, 11), at(NEW_YORK, 2027, 3, 10, 12))]
    found = {
        local(s).strftime("%H:%M")
        for s in slots(
            business,
            at(NEW_YORK, 2027, 3, 10),
            at(NEW_YORK, 2027, 3, 11),
            busy=busy,
            service=cleaning,
        )
    }
    # 9:45 ends 10:45, +10 min buffer = 10:55: clear. 10:00 would run into 11:00.
    assert "09:45" in found
    assert "10:00" not in found
    # 12:15 starts 15 minutes after the busy block ends: the buffer before it fits exactly.
    assert "12:00" not in found
    assert "12:15" in found


def test_minimum_notice_and_window_bound_the_starts() -> None:
    business = shop(wed=[("09:00", "17:00")])
    found = slots(
        business,
        at(NEW_YORK, 2027, 3, 10, 12),
        at(NEW_YORK, 2027, 3, 10, 14),
        not_before=at(NEW_YORK, 2027, 3, 10, 12, 40),
    )
    assert [local(s).strftime("%H:%M") for s in found] == [
        "12:45",
        "13:00",
        "13:15",
        "13:30",
        "13:45",
    ]


def test_spring_forward_offers_nothing_in_the_missing_hour() -> None:
    business = shop(**ALWAYS_OPEN)
    day = slots(business, at(NEW_YORK, 2027, 3, 14), at(NEW_YORK, 2027, 3, 15))
    walls = [local(s).strftime("%H:%M") for s in day]
    assert not [w for w in walls if w.startswith("02:")]
    assert walls[walls.index("01:45") + 1] == "03:00"
    assert local(day[0]).utcoffset() == timedelta(hours=-5)
    assert local(day[-1]).utcoffset() == timedelta(hours=-4)
    assert len(walls) == len(set(walls))


def test_fall_back_offers_the_repeated_hour_once() -> None:
    business = shop(**ALWAYS_OPEN)
    day = slots(business, at(NEW_YORK, 2027, 11, 7), at(NEW_YORK, 2027, 11, 8))
    walls = [local(s).strftime("%H:%M") for s in day]
    assert walls.count("01:30") == 1
    first_130 = day[walls.index("01:30")]
    assert local(first_130).utcoffset() == timedelta(hours=-4)  # the first 1:30, still EDT
    assert local(day[-1]).utcoffset() == timedelta(hours=-5)
    assert day == sorted(set(day))


def test_a_visit_across_the_change_lasts_sixty_real_minutes() -> None:
    business = shop(**ALWAYS_OPEN)
    day = slots(business, at(NEW_YORK, 2027, 3, 14), at(NEW_YORK, 2027, 3, 15))
    start = day[[local(s).strftime("%H:%M") for s in day].index("01:30")]
    assert local(start + HOUR).strftime("%H:%M") == "03:30"


def test_london_changes_clocks_on_its_own_dates() -> None:
    business = shop(LONDON, **ALWAYS_OPEN)
    day = slots(business, at(LONDON, 2027, 3, 28), at(LONDON, 2027, 3, 29))
    walls = [local(s, LONDON).strftime("%H:%M") for s in day]
    assert not [w for w in walls if w.startswith("01:")]
    assert local(day[-1], LONDON).utcoffset() == timedelta(hours=1)
    autumn = slots(business, at(LONDON, 2027, 10, 31), at(LONDON, 2027, 11, 1))
    autumn_walls = [local(s, LONDON).strftime("%H:%M") for s in autumn]
    assert autumn_walls.count("01:15") == 1


def test_wall_to_seconds_rejects_a_time_the_clocks_skip() -> None:
    assert wall_to_seconds(datetime(2027, 3, 14, 2, 30), NEW_YORK) is None  # noqa: DTZ001
    assert wall_to_seconds(datetime(2027, 3, 14, 3, 30), NEW_YORK) == at(  # noqa: DTZ001
        NEW_YORK, 2027, 3, 14, 3, 30
    )


def test_spread_offers_different_parts_of_days_before_neighbours() -> None:
    business = shop(mon=[("09:00", "12:00"), ("13:00", "17:00")], tue=[("09:00", "17:00")])
    candidates = slots(business, at(NEW_YORK, 2027, 3, 8), at(NEW_YORK, 2027, 3, 10))
    chosen = [local(s).strftime("%a %H:%M") for s in spread(candidates, 3, NEW_YORK)]
    assert chosen == ["Mon 09:00", "Mon 13:00", "Tue 09:00"]


def test_spread_within_one_morning_spaces_the_options_out() -> None:
    business = shop(wed=[("09:00", "12:00")])
    candidates = slots(business, at(NEW_YORK, 2027, 3, 10), at(NEW_YORK, 2027, 3, 11))
    chosen = [local(s).strftime("%H:%M") for s in spread(candidates, 3, NEW_YORK)]
    assert chosen == ["09:00", "10:00", "11:00"]


@given(
    candidates=st.lists(st.integers(0, 90 * 24 * 3600).map(lambda s: s - s % 900), unique=True),
    limit=st.integers(1, 10),
)
def test_spread_returns_a_sorted_subset_within_the_limit(candidates: list[int], limit: int) -> None:
    ordered = sorted(candidates)
    chosen = spread(iter(ordered), limit, NEW_YORK)
    assert chosen == sorted(set(chosen))
    assert set(chosen) <= set(ordered)
    assert len(chosen) == min(limit, len(ordered))
    if ordered:
        assert chosen[0] == ordered[0]


# -- properties against a slow, obviously correct reference -----------------------------------

ZONES = st.sampled_from([NEW_YORK, LONDON, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("UTC")])
DAY0 = date(2027, 3, 1)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Business, SlotQuery]:
    zone = draw(ZONES)
    weekly = {}
    for weekday in range(7):
        start_minute = draw(st.integers(0, 20)) * 60
        length = draw(st.integers(0, 24 * 60 - start_minute - 1))
        if length >= 30:
            end_minute = start_minute + length
            weekly[weekday] = (
                OpenRange(
                    time(start_minute // 60, start_minute % 60),
                    time(end_minute // 60, end_minute % 60),
                ),
            )
    service = Service(
        "S",
        "s",
        timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90]))),
        buffer_before=timedelta(minutes=draw(st.sampled_from([0, 5, 15]))),
        buffer_after=timedelta(minutes=draw(st.sampled_from([0, 10, 30]))),
    )
    rules = BookingRules(slot_interval=timedelta(minutes=draw(st.sampled_from([10, 15, 30, 60]))))
    business = Business("b", "B", zone, weekly, (service,), rules)
    origin = int(datetime.combine(DAY0, time(0), tzinfo=zone).timestamp())
    span = 40 * 24 * 3600  # covers both spring changes for every zone above
    busy = [
        Interval(s, s + length)
        for s, length in draw(
            st.lists(
                st.tuples(
                    st.integers(origin, origin + span),
                    # short visits, and absences of up to five days (skipped in one step)
                    st.one_of(st.integers(60, 6 * 3600), st.integers(6 * 3600, 5 * 86400)),
                ),
                max_size=40,
            )
        )
    ]
    low = origin + draw(st.integers(0, span))
    high = low + draw(st.integers(0, 10 * 24 * 3600))
    query = SlotQuery(
        service,
        Interval(low, high),
        not_before=origin + draw(st.integers(0, span)),
        not_after=origin + span,
        busy=merge(busy),
    )
    return business, query


def reference_slots(business: Business, query: SlotQuery) -> list[int]:
    """Every wall-clock grid time, checked one by one with aware datetimes."""
    zone, service = business.timezone, query.service
    found = []
    day = datetime.fromtimestamp(query.window.start, zone).date() - timedelta(days=1)
    while day <= datetime.fromtimestamp(query.window.end, zone).date():
        for opening in business.hours_on(day):
            open_start = datetime.combine(day, opening.start, tzinfo=zone)
            open_end = datetime.combine(day, opening.end, tzinfo=zone).replace(fold=1)
            wall = datetime.combine(day, opening.start)
            while wall < datetime.combine(day, opening.end):
                start = wall_to_seconds(wall, zone)
                wall += business.rules.slot_interval
                if start is None:
                    continue
                end = start + int(service.duration.total_seconds())
                blocked = Interval(
                    start - int(service.buffer_before.total_seconds()),
                    end + int(service.buffer_after.total_seconds()),
                )
                if (
                    start >= open_start.timestamp()
                    and end <= open_end.timestamp()
                    and max(query.window.start, query.not_before) <= start
                    and start < min(query.window.end, query.not_after)
                    and not any(b.start < blocked.end and blocked.start < b.end for b in query.busy)
                    and start not in found
                ):
                    found.append(start)
        day += timedelta(days=1)
    return sorted(found)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_slots_are_exactly_the_reference_slots(scenario: tuple[Business, SlotQuery]) -> None:
    business, query = scenario
    assert list(iter_slots(business, query)) == reference_slots(business, query)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_no_slot_overlaps_busy_time_or_leaves_the_hours(
    scenario: tuple[Business, SlotQuery],
) -> None:
    business, query = scenario
    zone, service = business.timezone, query.service
    found = list(iter_slots(business, query))
    assert found == sorted(set(found))
    assert found == list(iter_slots(business, query))  # deterministic
    for start in found:
        begins = datetime.fromtimestamp(start, zone)
        ends = begins + service.duration
        assert query.window.start <= start < query.window.end
        assert start >= query.not_before
        assert begins.astimezone(UTC).replace(tzinfo=None) == datetime.fromtimestamp(
            start, UTC
        ).replace(tzinfo=None)
        low = start - int(service.buffer_before.total_seconds())
        high = int(ends.timestamp()) + int(service.buffer_after.total_seconds())
        assert not any(b.start < high and low < b.end for b in query.busy)
        day = begins.date()
        assert any(
            datetime.combine(day, o.start, tzinfo=zone) <= begins
            and ends <= datetime.combine(day, o.end, tzinfo=zone).replace(fold=1)
            for o in business.hours_on(day)
        )
