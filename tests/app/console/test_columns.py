"""The day view's grouping: a column per team member, appointments under their person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.business_config import load_business
from app.console.columns import FORMER, columns
from tests.conftest import FIXTURES


@dataclass(frozen=True)
class Booked:
    staff_id: str | None
    hour: int

    @property
    def sort_key(self) -> str:
        return datetime(2027, 3, 11, self.hour, tzinfo=UTC).isoformat()


def test_a_business_without_staff_has_one_column_holding_everything() -> None:
    business = load_business(FIXTURES / "business.toml")
    made = columns(business, [Booked(None, 10), Booked(None, 9)])
    assert [c.title for c in made] == [business.name]
    assert [a.hour for a in made[0].appointments] == [9, 10]


def test_each_staff_member_gets_a_column_with_their_own_appointments_in_time_order() -> None:
    business = load_business(FIXTURES / "clinic.toml")
    ids = [m.id for m in business.team]
    made = columns(business, [Booked(ids[1], 11), Booked(ids[0], 9), Booked(ids[1], 8)])
    assert [c.title for c in made] == [m.name for m in business.team]
    assert [(a.staff_id, a.hour) for a in made[1].appointments] == [(ids[1], 8), (ids[1], 11)]
    assert [a.hour for a in made[0].appointments] == [9]
    assert all(not c.appointments for c in made[2:])


def test_an_appointment_of_someone_no_longer_on_the_team_is_shown_in_a_last_column() -> None:
    business = load_business(FIXTURES / "clinic.toml")
    made = columns(business, [Booked("left-in-2026", 9), Booked(None, 10)])
    assert made[-1].title == FORMER
    assert [a.staff_id for a in made[-1].appointments] == ["left-in-2026", None]
    assert len(made) == len(business.team) + 1
