"""Handing a caller to a person: the number calls are transferred to (Retell's built-in
``transfer_call``, a cold transfer) and the hours someone answers it; outside them the agent
takes a message instead."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from agent_tools.basics import OpenRange


@dataclass(frozen=True, slots=True)
class Handoff:
    transfer_number: str  # E.164
    weekly_hours: Mapping[int, tuple[OpenRange, ...]] | None = None  # None: the business's hours

    def answered_at(self, local: datetime, business_hours: tuple[OpenRange, ...]) -> bool:
        """Whether someone picks up at the local wall time ``local``."""
        ranges = (
            business_hours
            if self.weekly_hours is None
            else self.weekly_hours.get(local.weekday(), ())
        )
        now = local.time()
        return any(r.start <= now < r.end for r in ranges)  # 24:00 is time.max
