"""The search across people and rooms (agent_tools.search), as properties over random busy
time: whatever "anyone" offers, somebody qualified (and a room unit) can take."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_tools.availability import merge, overlaps, utc_seconds
from agent_tools.business import Business
from agent_tools.search import Lane, Search
from app.business_config import load_business
from tests.conftest import FIXTURES, NOW

CLINIC: Business = load_business(FIXTURES / "clinic.toml")
WHITENING = CLINIC.service("Whitening")
DAY = utc_seconds(datetime(2027, 3, 11, 9, tzinfo=CLINIC.timezone))

spans = st.lists(
    st.tuples(st.integers(0, 8 * 3600), st.integers(15 * 60, 3 * 3600)).map(
        lambda s: (DAY + s[0], DAY + s[0] + s[1])
    ),
    max_size=6,
)


def search(
    lanes_busy: list[list[tuple[int, int]]], rooms_busy: list[list[tuple[int, int]]]
) -> Search:
    assert WHITENING is not None
    lanes = tuple(
        Lane(member, merge(busy)) for member, busy in zip(CLINIC.staff, lanes_busy, strict=True)
    )
    rooms = tuple((f"suite#{i}", merge(busy)) for i, busy in enumerate(rooms_busy, start=1))
    return Search(CLINIC, WHITENING, NOW, lanes, rooms=rooms)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(spans, spans, spans), st.lists(spans, min_size=1, max_size=2))
def test_every_time_offered_to_anyone_has_a_free_person_and_a_free_room_unit(
    lanes_busy: tuple[list[tuple[int, int]], ...], rooms_busy: list[list[tuple[int, int]]]
) -> None:
    found = search(list(lanes_busy), rooms_busy)
    offered = list(found.starts(DAY, DAY + 9 * 3600))
    assert offered == sorted(set(offered))  # each time once, in order
    for start in offered:
        at = datetime.fromtimestamp(start, CLINIC.timezone)
        spots = found.spots(at)
        assert spots
        low, high = start, start + 75 * 60  # an hour and its 15-minute buffer
        for spot in spots:
            lane = next(lane for lane in found.lanes if lane.member == spot.member)
            assert not overlaps(lane.busy, low, high)
            assert spot.room_unit is not None
            room = dict(found.rooms)[spot.room_unit]
            assert not overlaps(room, low, high)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(spans, spans, spans), st.lists(spans, min_size=1, max_size=2))
def test_a_time_is_offered_exactly_when_somebody_could_take_it(
    lanes_busy: tuple[list[tuple[int, int]], ...], rooms_busy: list[list[tuple[int, int]]]
) -> None:
    found = search(list(lanes_busy), rooms_busy)
    offered = set(found.starts(DAY, DAY + 9 * 3600))
    for start in range(DAY, DAY + 9 * 3600, 15 * 60):
        at = datetime.fromtimestamp(start, CLINIC.timezone)
        assert bool(found.spots(at)) == (start in offered)


def test_a_room_busy_at_the_time_hides_it_though_people_are_free() -> None:
    hour = 3600
    found = search([[], [], []], [[(DAY + 2 * hour, DAY + 3 * hour)]])  # suite busy 11-12
    offered = set(found.starts(DAY, DAY + 4 * hour))
    assert DAY in offered  # 9:00-10:15 with its buffer
    assert DAY + 45 * 60 in offered  # 9:45 ends its buffer at 11:00 sharp
    assert DAY + hour not in offered  # 10:00 would run into 11:00
    assert DAY + 2 * hour not in offered
    assert DAY + 3 * hour in offered


def _last(starts: Iterable[int]) -> int | None:
    last = None
    for last in starts:  # noqa: B007 - the loop keeps the last one
        pass
    return last


long_busy = st.lists(
    st.tuples(st.integers(0, 28 * 86400), st.integers(3600, 20 * 86400)).map(
        lambda s: (DAY + s[0], DAY + s[0] + s[1])
    ),
    max_size=4,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(long_busy, st.integers(-86400, 35 * 86400))
def test_the_latest_time_before_another_is_found_however_far_back_it_lies(
    busy: list[tuple[int, int]], offset: int
) -> None:
    checkup = CLINIC.service("Checkup")
    assert checkup is not None
    found = Search(CLINIC, checkup, NOW, (Lane(CLINIC.staff[2], merge(busy)),))
    around = DAY + offset
    assert found.latest_before(around) == _last(found.starts(found.not_before, around))
