"""The one way this service retries: named policies over tenacity, each saying when a repeat
is safe and how long to wait."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_incrementing


@dataclass(frozen=True, slots=True)
class Policy:
    attempts: int
    first_wait_seconds: float

    def retrying(self, retryable: Callable[[BaseException], bool]) -> AsyncRetrying:
        """``async for attempt in POLICY.retrying(...): with attempt: ...``; the last failure
        is raised as it was."""
        return AsyncRetrying(
            retry=retry_if_exception(retryable),
            stop=stop_after_attempt(self.attempts),
            wait=wait_incrementing(
                start=self.first_wait_seconds, increment=self.first_wait_seconds
            ),
            reraise=True,
        )


# Two transactions waiting on each other's exclusion-constraint checks deadlock, or a
# serialization check fails: Postgres rolls the loser back whole, so running it again is safe.
DEADLOCK = Policy(attempts=3, first_wait_seconds=0.005)
