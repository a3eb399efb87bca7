"""Search answers kept while the business's data is unchanged (app/db/kept_answers.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from app.db.kept_answers import KeptAnswers
from app.db.span_cache import SpanCache
from app.db.versions import DataVersion, read_unversioned

NOW = datetime(2027, 3, 10, 15, tzinfo=UTC)


class Versions:
    def __init__(self) -> None:
        self.now = DataVersion()

    async def __call__(self, business_id: str) -> DataVersion:
        return self.now


class Search:
    """A computation that counts its runs, optionally reading Google itself."""

    def __init__(self, answer: str = "10 AM") -> None:
        self.answer = answer
        self.runs = 0
        self.live = False
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> str:
        self.runs += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.live:
            read_unversioned()
        return self.answer


def kept(versions: Versions, ttl: float = 5.0) -> KeptAnswers:
    return KeptAnswers(versions, "biz", ttl_seconds=ttl)


async def test_an_answer_is_kept_until_the_business_data_changes() -> None:
    versions, search = Versions(), Search()
    memo = kept(versions)
    assert await memo.recall("q", search) == "10 AM"
    search.answer = "11 AM"
    assert await memo.recall("q", search) == "10 AM"
    assert search.runs == 1 and memo.hits == 1
    versions.now = DataVersion(appointments=1)  # a booking, a move
    assert await memo.recall("q", search) == "11 AM"
    versions.now = DataVersion(appointments=1, mirror=1)  # a synced Google edit
    search.answer = "noon"
    assert await memo.recall("q", search) == "noon"
    assert search.runs == 3


async def test_the_last_answer_stays_at_hand_after_the_data_changed_to_build_on() -> None:
    versions, search = Versions(), Search()
    memo = kept(versions)
    assert memo.last("q") is None
    await memo.recall("q", search)
    versions.now = DataVersion(appointments=1)  # no longer served, still there to reuse from
    assert memo.last("q") == "10 AM" and memo.last("other") is None
    search.answer = "11 AM"
    await memo.recall("q", search)
    assert memo.last("q") == "11 AM"


async def test_with_a_local_calendar_an_answer_is_kept_until_the_file_changes_too() -> None:
    versions, search = Versions(), Search()
    local = 0
    memo = KeptAnswers(versions, "biz", local=lambda: local)
    assert await memo.recall("q", search) == "10 AM"
    search.answer = "11 AM"
    assert await memo.recall("q", search) == "10 AM"
    local = 1  # an event written to, moved in or deleted from the file
    assert await memo.recall("q", search) == "11 AM"
    assert search.runs == 2


async def test_different_questions_are_answered_apart() -> None:
    memo = kept(Versions())
    assert await memo.recall("morning", Search("9 AM")) == "9 AM"
    assert await memo.recall("afternoon", Search("2 PM")) == "2 PM"


async def test_an_answer_that_read_google_itself_is_not_kept() -> None:
    search = Search()
    search.live = True  # the mirror was stale: no version covers what Google said
    memo = kept(Versions())
    await memo.recall("q", search)
    await memo.recall("q", search)
    assert search.runs == 2


async def test_an_answer_lives_no_longer_than_its_time_to_live() -> None:
    search = Search()
    memo = kept(Versions(), ttl=0.0)
    await memo.recall("q", search)
    await memo.recall("q", search)
    assert search.runs == 2


async def test_concurrent_askers_of_one_question_wait_for_one_answer() -> None:
    search = Search()
    search.gate = asyncio.Event()
    memo = kept(Versions())
    askers = [asyncio.ensure_future(memo.recall("q", search)) for _ in range(8)]
    for _ in range(5):
        await asyncio.sleep(0)
    search.gate.set()
    assert await asyncio.gather(*askers) == ["10 AM"] * 8
    assert search.runs == 1


async def test_askers_waiting_on_an_answer_not_to_be_kept_compute_their_own() -> None:
    search = Search()
    search.gate = asyncio.Event()
    search.live = True
    memo = kept(Versions())
    askers = [asyncio.ensure_future(memo.recall("q", search)) for _ in range(3)]
    for _ in range(5):
        await asyncio.sleep(0)
    search.gate.set()
    await asyncio.gather(*askers)
    assert search.runs == 3  # each read Google for itself


async def test_when_the_first_asker_fails_the_others_compute_their_own() -> None:
    gate = asyncio.Event()
    runs = 0

    async def flaky() -> str:
        nonlocal runs
        runs += 1
        await gate.wait()
        if runs == 1:
            raise ConnectionResetError
        return "10 AM"

    memo = kept(Versions())
    first = asyncio.ensure_future(memo.recall("q", flaky))
    second = asyncio.ensure_future(memo.recall("q", flaky))
    for _ in range(5):
        await asyncio.sleep(0)
    gate.set()
    with pytest.raises(ConnectionResetError):
        await first
    assert await second == "10 AM"
    assert runs == 2


async def test_a_full_memo_starts_over_rather_than_growing() -> None:
    memo = KeptAnswers(Versions(), "biz", size=2)
    computes: list[Callable[[], Awaitable[str]]] = [Search(str(n)) for n in range(3)]
    for n, compute in enumerate(computes):
        await memo.recall(n, compute)
    assert await memo.recall(2, Search("new")) == "2"  # the newest survives the clearing
    assert await memo.recall(0, Search("recomputed")) == "recomputed"


async def test_an_answer_expires_no_later_than_the_kept_busy_time_it_was_computed_from() -> None:
    versions = Versions()
    spans = SpanCache(versions, ttl_seconds=0.0)  # the busy time is kept for no time at all
    memo = KeptAnswers(versions, "biz", ttl_seconds=60.0)
    runs = 0

    async def search() -> str:
        nonlocal runs
        runs += 1

        async def busy(low: datetime, high: datetime) -> str:
            return "spans"

        await spans.get("mirror", NOW, NOW + timedelta(days=1), busy, "biz", part="mirror")
        return "10 AM"

    await memo.recall("q", search)
    await memo.recall("q", search)
    assert runs == 2


async def test_an_answer_computed_from_a_kept_busy_time_lives_no_longer_than_it() -> None:
    """A search keeps its busy time in the memo, and its answer too: the answer must not
    outlive the busy time it was computed from."""
    versions = Versions()
    busy = kept(versions, ttl=0.05)
    answers = kept(versions, ttl=60.0)
    runs = 0

    async def search() -> str:
        nonlocal runs
        runs += 1
        return await busy.recall("busy", Search())

    await busy.recall("busy", Search())  # kept first, by another search
    await answers.recall("q", search)
    await asyncio.sleep(0.1)  # the busy time has expired; the answer would live on
    await answers.recall("q", search)
    assert runs == 2


async def test_expired_answers_are_dropped_as_new_ones_are_kept() -> None:
    """Keys name the minute: a long-running server asks new questions all day, and only
    what is still alive may stay in memory."""
    memo = kept(Versions(), ttl=0.0)  # every answer expires at once
    for minute in range(1000):
        await memo.recall(("q", minute), Search())
    assert len(memo) <= 64


async def test_answers_still_alive_survive_the_sweep() -> None:
    memo = kept(Versions(), ttl=60.0)
    searches = [Search(f"{minute} AM") for minute in range(100)]
    for minute, search in enumerate(searches):
        await memo.recall(("q", minute), search)
    for minute, search in enumerate(searches):
        assert await memo.recall(("q", minute), search) == f"{minute} AM"
    assert all(search.runs == 1 for search in searches) and len(memo) == 100
