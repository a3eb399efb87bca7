"""The local calendar: idempotent writes, busy reads, and what survives a restart."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import NewEvent

NY = ZoneInfo("America/New_York")
NINE = datetime(2027, 3, 11, 9, tzinfo=NY)
EVENT = NewEvent("fdabc123", NINE, NINE + timedelta(hours=1), "Cleaning: A", "", "apt_1")


async def test_events_persist_and_creating_twice_keeps_one(tmp_path: Path) -> None:
    path = tmp_path / "calendar.json"
    calendar = LocalCalendar(path)
    await calendar.create_event("primary", EVENT)
    await calendar.create_event("primary", EVENT)
    reopened = LocalCalendar(path)
    day = (NINE - timedelta(hours=9), NINE + timedelta(hours=15))
    span = (int(EVENT.start.timestamp()), int(EVENT.end.timestamp()))
    assert await reopened.busy(["primary", "other"], *day) == {"primary": [span], "other": []}
    assert await reopened.busy(["primary"], EVENT.end, EVENT.end + timedelta(hours=1)) == {
        "primary": []
    }


async def test_deleting_is_idempotent(tmp_path: Path) -> None:
    calendar = LocalCalendar(tmp_path / "calendar.json")
    await calendar.create_event("primary", EVENT)
    await calendar.delete_event("primary", EVENT.event_id)
    await calendar.delete_event("primary", EVENT.event_id)
    assert await calendar.busy(["primary"], NINE, NINE + timedelta(hours=1)) == {"primary": []}
    assert await LocalCalendar(tmp_path / "calendar.json").event("primary", EVENT.event_id) is None


async def test_its_change_count_moves_with_every_change_of_the_busy_time_and_only_then(
    tmp_path: Path,
) -> None:
    calendar = LocalCalendar(tmp_path / "calendar.json")
    counts = [calendar.changes]
    await calendar.create_event("primary", EVENT)
    counts.append(calendar.changes)
    await calendar.create_event("primary", EVENT)  # a repeat changes nothing
    counts.append(calendar.changes)
    later = NINE + timedelta(hours=2)
    await calendar.move_event("primary", EVENT.event_id, later, later + timedelta(hours=1))
    counts.append(calendar.changes)
    await calendar.delete_event("primary", EVENT.event_id)
    counts.append(calendar.changes)
    await calendar.delete_event("primary", EVENT.event_id)  # already gone
    counts.append(calendar.changes)
    assert counts == [0, 1, 1, 2, 3, 3]
