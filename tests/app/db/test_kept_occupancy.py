"""Applying the appointments changed since a copy was kept (app/db/kept_occupancy.py)."""

from __future__ import annotations

from app.db.kept_occupancy import KeptOccupancy


def kept() -> KeptOccupancy:
    return KeptOccupancy.of_rows(
        [
            {"kind": "calendar", "key": "maya", "ids": ["a", "b"], "s": [10, 50], "e": [20, 60]},
            {"kind": "room", "key": "suite#1", "ids": ["a"], "s": [10], "e": [20]},
        ],
        ["maya", "lena"],
        ["suite#1"],
    )


def test_a_new_appointment_joins_its_lane_in_order_and_the_old_copy_is_untouched() -> None:
    before = kept()
    after = before.changed({"deleted_in": 0, "changed": [["c", 8, "calendar", "maya", 30, 40]]}, 5)
    assert after is not None
    copy, version = after
    assert copy.occupancy.calendars["maya"] == [(10, 20), (30, 40), (50, 60)]
    assert version == 8
    assert before.occupancy.calendars["maya"] == [(10, 20), (50, 60)]
    assert copy.occupancy.calendars["lena"] is before.occupancy.calendars["lena"]  # not rebuilt


def test_a_change_that_blocks_nothing_asked_for_only_takes_the_appointment_away() -> None:
    changes = {
        "deleted_in": 0,
        "changed": [["a", 7, None, None, None, None], ["b", 9, "calendar", "sam", 50, 60]],
    }
    after = kept().changed(changes, 5)
    assert after is not None
    copy, version = after
    assert copy.occupancy.calendars == {"maya": [], "lena": []}
    assert copy.occupancy.rooms == {"suite#1": []}
    assert version == 9


def test_nothing_changed_keeps_the_copy_and_a_delete_since_it_means_reading_it_all() -> None:
    copy = kept()
    assert copy.changed({"deleted_in": 3, "changed": []}, 5) == (copy, 5)
    assert copy.changed({"deleted_in": 6, "changed": []}, 5) is None
