"""The fairness rule for "anyone" bookings (agent_tools.fairness), as properties."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from agent_tools.fairness import Load, fairest_first, window_around

T0 = datetime(2027, 3, 1, tzinfo=UTC)
ids = st.lists(st.sampled_from(["ana", "ben", "cy", "dee", "eve"]), min_size=1, max_size=8)
loads = st.dictionaries(
    st.sampled_from(["ana", "ben", "cy", "dee", "eve"]),
    st.builds(
        Load,
        st.integers(min_value=0, max_value=3000),
        st.none() | st.integers(0, 10_000).map(lambda m: T0 + timedelta(minutes=m)),
    ),
)


@given(ids, loads)
def test_the_order_holds_each_person_once(staff: list[str], known: dict[str, Load]) -> None:
    order = fairest_first(staff, known)
    assert sorted(order) == sorted(set(staff))


@given(ids, loads)
def test_the_first_has_the_fewest_minutes(staff: list[str], known: dict[str, Load]) -> None:
    order = fairest_first(staff, known)
    minutes = [known.get(s, Load()).minutes for s in order]
    assert minutes == sorted(minutes)


@given(ids, loads)
def test_equal_minutes_go_to_whoever_was_assigned_least_recently(
    staff: list[str], known: dict[str, Load]
) -> None:
    order = fairest_first(staff, known)
    for first, second in itertools.pairwise(order):
        a, b = known.get(first, Load()), known.get(second, Load())
        if a.minutes == b.minutes and b.last_assigned is None:
            assert a.last_assigned is None
        if a.minutes == b.minutes and a.last_assigned and b.last_assigned:
            assert a.last_assigned <= b.last_assigned


def test_never_assigned_counts_as_longest_ago() -> None:
    known = {"ana": Load(60, T0), "ben": Load(60, None)}
    assert fairest_first(["ana", "ben"], known) == ["ben", "ana"]


@given(st.integers(min_value=2, max_value=6), st.integers(min_value=1, max_value=60))
def test_repeated_bookings_spread_within_one_of_each_other(people: int, bookings: int) -> None:
    staff = [f"p{i}" for i in range(people)]
    known: dict[str, Load] = {}
    for n in range(bookings):
        chosen = fairest_first(staff, known)[0]
        before = known.get(chosen, Load())
        known[chosen] = Load(before.minutes + 30, T0 + timedelta(minutes=n))
    counts = [known.get(s, Load()).minutes // 30 for s in staff]
    assert max(counts) - min(counts) <= 1


def test_the_window_is_the_seven_days_around_the_slot() -> None:
    start, end = window_around(T0)
    assert (T0 - start, end - T0) == (timedelta(days=3.5), timedelta(days=3.5))
