"""The phrase corpus: hundreds of ways callers say when, read from public corpora of English
time expressions and from our own calls, each with the window it means for our reference moment.

Rows live in tests/agent_tools/corpus/*.tsv (format in each file's header). A row listed in
corpus/known_misses.tsv is a known miss: it is expected to fail (strictly, so a miss that starts
passing must leave the list), and the list may hold at most 3% of the rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from tests.agent_tools.corpus.table import Row, describe, known_misses, malformed, right, rows

ROWS = rows()
MISSES = known_misses()


def _param(row: Row) -> object:
    reason = MISSES.get(row.id)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason is not None else []
    return pytest.param(row, id=row.id, marks=marks)


@pytest.mark.parametrize("row", [_param(row) for row in ROWS])
def test_the_phrase_means_the_window_the_corpus_gives(row: Row) -> None:
    described = describe(row)
    assert right(row, described), f"{row.file}:{row.line}: {described} != {row.expected}"


def test_the_corpus_is_large_and_drawn_from_several_sources() -> None:
    assert len(ROWS) >= 800
    assert len({row.source for row in ROWS}) >= 4


def test_every_row_is_there_once() -> None:
    counts = Counter(row.id for row in ROWS)
    assert sorted(key for key, count in counts.items() if count > 1) == []


def test_every_expected_value_is_well_formed_and_in_local_wall_time() -> None:
    problems = [f"{row.file}:{row.line}: {malformed(row)}" for row in ROWS if malformed(row)]
    assert problems == []


def test_every_known_miss_names_a_row_and_gives_a_reason() -> None:
    ids = {row.id for row in ROWS}
    assert sorted(key for key in MISSES if key not in ids) == []
    assert sorted(key for key, reason in MISSES.items() if not reason) == []


def test_known_misses_are_at_most_three_percent_of_the_corpus() -> None:
    assert len(MISSES) <= 0.03 * len(ROWS), f"{len(MISSES)} misses of {len(ROWS)} rows"


def test_spans_compare_in_time_order_and_a_wrong_span_is_caught() -> None:
    """A list may come back in either order; any other difference is a miss."""
    monday = "2027-03-15T00:00-0400/2027-03-16T00:00-0400"
    tuesday = "2027-03-16T00:00-0400/2027-03-17T00:00-0400"
    friday = "2027-03-12T00:00-0500/2027-03-13T00:00-0500"
    row = replace(ROWS[0], expected=f"{tuesday} + {monday}")
    assert right(row, f"{monday} + {tuesday}")
    assert not right(row, f"{monday} + {friday}")
    assert not right(row, monday)
    assert not right(replace(row, expected="unclear"), "asap")
