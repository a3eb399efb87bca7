"""When a failed send is tried again: exponential backoff with full jitter (tenacity's
``wait_random_exponential``), the first retry within 5 seconds, the gap growing to at most an
hour, for up to 24 hours from the event. The schedule is kept in the row (its attempts and due
time), so any instance carries it on after a restart."""

from __future__ import annotations

from datetime import datetime, timedelta

from tenacity import RetryCallState, Retrying, wait_random_exponential

FIRST = 5.0
CAP = 3600.0
GIVE_UP_AFTER = timedelta(hours=24)

_WAIT = wait_random_exponential(multiplier=FIRST / 2, max=CAP)


def next_try(
    attempts: int, now: datetime, created: datetime, retry_after: float | None
) -> datetime | None:
    """When to try again after ``attempts`` failed tries, or None to give up. A receiver's
    Retry-After is honoured (within the hour cap)."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = max(attempts, 1)
    delay = float(_WAIT(state))
    if retry_after is not None:
        delay = min(max(delay, retry_after), CAP)
    due = now + timedelta(seconds=delay)
    if due - created > GIVE_UP_AFTER:
        return None
    return due
