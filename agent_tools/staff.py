"""The people who see callers and the shared rooms some services need, as plain values.

A business without ``[[staff]]`` has one implicit member: the business calendar itself
(:attr:`agent_tools.business.Business.team`), so a single-calendar business works as it always
did. Business closures and special hours apply to everyone (see :meth:`StaffMember.hours_on`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from agent_tools.basics import OpenRange, loose

if TYPE_CHECKING:
    from agent_tools.business import Service

ANYONE_WORDS = frozenset(
    {
        "anyone",
        "anybody",
        "any",
        "whoever",
        "whoever is free",
        "whoever is available",
        "no preference",
        "doesnt matter",
        "dont mind",
        "first available",
        "either",
    }
)

# Titles callers add or leave out: "Dr Patel", "doctor Patel", "Ms. Chen".
_TITLES = re.compile(r"^(?:dr|doctor|mr|mrs|ms|miss|mx|prof|professor|nurse)\b\s*")


def says_anyone(words: str | None) -> bool:
    """Whether the caller left the choice of person to us ("anyone", "no preference")."""
    return words is None or not words.strip() or loose(words) in ANYONE_WORDS


def _plain_name(words: str) -> str:
    return _TITLES.sub("", loose(words)).strip()


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A practitioner with their own calendar; ``services`` None means every service."""

    id: str
    name: str
    calendar_id: str
    aliases: tuple[str, ...] = ()
    services: frozenset[str] | None = None  # service keys
    weekly_hours: Mapping[int, tuple[OpenRange, ...]] | None = None  # None: the business's
    max_per_day: int | None = None
    implicit: bool = False  # the business calendar standing in for a business without staff

    @property
    def first_name(self) -> str:
        """How the agent says "with Maya": the first alias, else the name without a title."""
        if self.aliases:
            return self.aliases[0]
        return self.name

    def does(self, service: Service) -> bool:
        return self.services is None or service.key in self.services

    def is_called(self, words: str) -> bool:
        """Whether the caller's words name this person: the name, an alias, the id, or any
        of those without a title ("Dr Patel" = "Patel"), or a single word of the name
        ("Maya")."""
        said = _plain_name(words)
        if not said:
            return False
        names = {_plain_name(n) for n in (self.name, *self.aliases)} | {self.id.replace("-", " ")}
        if said in names:
            return True
        return " " not in said and any(said in n.split() for n in names)

    def hours_on(
        self, day: date, business_hours: tuple[OpenRange, ...], special: bool
    ) -> tuple[OpenRange, ...]:
        """This person's openings on ``day``, given the business's openings that day: their
        own week (when they have one) within the business's day when it has special hours or
        is closed; otherwise the business's day."""
        if self.weekly_hours is None:
            return business_hours
        own = self.weekly_hours.get(day.weekday(), ())
        if not special:
            return own
        return tuple(intersect(own, business_hours))


@dataclass(frozen=True, slots=True)
class Room:
    """``count`` identical shared rooms (or chairs); a service in ``services`` needs one for
    its whole blocked time."""

    key: str
    name: str
    count: int
    services: frozenset[str]  # service keys

    def needed_for(self, service: Service) -> bool:
        return service.key in self.services

    @property
    def units(self) -> tuple[str, ...]:
        """The resource key of each unit, as stored on appointments."""
        return tuple(f"{self.key}#{n}" for n in range(1, self.count + 1))


def intersect(a: Iterable[OpenRange], b: Iterable[OpenRange]) -> Iterable[OpenRange]:
    wanted = list(b)
    for first in a:
        for second in wanted:
            start, end = max(first.start, second.start), min(first.end, second.end)
            if start < end:
                yield OpenRange(start, end)
