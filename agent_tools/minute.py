"""The minute a search is asked in.

A search is judged to the minute, so that the searches asked in one minute (at one data
version) share one answer, which the app may keep (agent_tools.ports.Memo). The day and the
booking horizon count from the minute's start; the notice counts from its end (from the instant
itself when it falls exactly on a minute). So nothing offered is too soon by the time the
minute is over, nothing is past the horizon, and "today" is the caller's today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Minute:
    start: datetime
    slack: timedelta  # from the minute's start to the instant notice counts from

    @classmethod
    def of(cls, instant: datetime) -> Minute:
        start = instant.replace(second=0, microsecond=0)
        return cls(start, timedelta(0) if start == instant else _MINUTE)

    def not_before(self, notice: timedelta) -> int:
        """The earliest start (POSIX seconds) a search asked in this minute may offer."""
        return int((self.start + self.slack + notice).timestamp())

    @property
    def key(self) -> tuple[float, float]:
        """The same for every instant in the minute (an instant in a DST fold included)."""
        return self.start.timestamp(), self.slack.total_seconds()
