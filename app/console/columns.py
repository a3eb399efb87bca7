"""The day view's columns: one per member of the business's team (a business without staff
has one, its own calendar), each holding that person's appointments in start order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from agent_tools.business import Business


class Placed(Protocol):
    """What a column needs of an appointment: whose it is and when it starts."""

    @property
    def staff_id(self) -> str | None: ...

    @property
    def sort_key(self) -> str: ...


T = TypeVar("T", bound=Placed)


@dataclass(frozen=True)
class Column(Generic[T]):
    staff_id: str | None
    title: str
    appointments: list[T] = field(default_factory=list)


FORMER = "Not on the team now"


def columns(business: Business, appointments: Iterable[T]) -> list[Column[T]]:
    """A column per team member, in the team's order; an appointment whose person has left
    the team (or none is set while there is staff) lands in a last column, so none is hidden."""
    team = business.team
    by_id: dict[str, Column[T]] = {}
    made: list[Column[T]] = []
    for member in team:
        column = Column[T](None if member.implicit else member.id, member.name)
        by_id["" if member.implicit else member.id] = column
        made.append(column)
    implicit = len(team) == 1 and team[0].implicit
    leftover = Column[T](None, FORMER)
    for appointment in sorted(appointments, key=lambda a: a.sort_key):
        key = "" if implicit else appointment.staff_id or "\0none"
        by_id.get(key, leftover).appointments.append(appointment)
    return made + ([leftover] if leftover.appointments else [])
