"""The day view's columns: one per person who sees callers (one for a business without
staff), each with its appointments in time order."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_tools.business import Business
from agent_tools.ports import Appointment


@dataclass(slots=True)
class Column:
    title: str
    appointments: list[Appointment] = field(default_factory=list)


def columns(business: Business, appointments: list[Appointment]) -> list[Column]:
    """A column per member of the team, in config order; an appointment whose person is no
    longer configured gets a column of its own at the end ("Others")."""
    found = {member.id: Column(member.name) for member in business.team}
    others = Column("Others")
    for appointment in sorted(appointments, key=lambda a: a.start):
        column = found.get(appointment.staff_id or "")
        (column or others).appointments.append(appointment)
    return [*found.values(), *([others] if others.appointments else [])]
