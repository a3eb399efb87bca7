"""The named retry policies: retry what is safe to repeat, give up with the real error."""

from __future__ import annotations

import pytest

from app.retry import DEADLOCK


class RolledBack(Exception):
    pass


async def run(failures: int, error: Exception) -> tuple[str, int]:
    calls = 0
    async for attempt in DEADLOCK.retrying(lambda e: isinstance(e, RolledBack)):
        with attempt:
            calls += 1
            if calls <= failures:
                raise error
            return "done", calls
    raise AssertionError("unreachable")


async def test_a_rolled_back_call_runs_again_until_it_succeeds() -> None:
    assert await run(2, RolledBack()) == ("done", 3)


async def test_it_gives_up_after_its_attempts_with_the_error_itself() -> None:
    with pytest.raises(RolledBack):
        await run(3, RolledBack())


async def test_other_errors_are_not_retried() -> None:
    with pytest.raises(ValueError, match="bad"):
        await run(1, ValueError("bad"))
