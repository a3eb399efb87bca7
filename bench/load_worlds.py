"""The businesses bench.load serves: one calendar (the issue's first case), one business of 8
staff searched for "anyone", and 200 businesses with a random one per request; each on the
local Google stand-in, with every calendar's mirror synced before the load starts."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.google import CAL
from tests.fakes.google_calendar import FakeGoogle

ROOT = Path(__file__).parent.parent
ONE_CALENDAR = ROOT / "tests" / "fixtures" / "business.toml"
_FIXTURE = tomllib.loads(ONE_CALENDAR.read_text(encoding="utf-8"))["business"]
ONE_BUSINESS, ZONE = _FIXTURE["id"], _FIXTURE["timezone"]  # every world's businesses copy it
BUSY_EVENTS = 40  # per calendar, over the next four weeks: a working diary
CREDENTIALS_ENV = "GOOGLE_CREDENTIALS_BENCH"


@dataclass
class World:
    name: str
    config: Path  # BUSINESS_CONFIG: a file, or a directory of businesses
    calendars: list[str]  # every calendar the searches read (each must be synced first)
    env: dict[str, str] = field(default_factory=dict)  # for the server
    wrk_env: dict[str, str] = field(default_factory=dict)  # for the load scripts
    # (business id, staff id, calendar) of each calendar bookings land on: its history
    # (bench/load_history.py) is written there
    lanes: list[tuple[str, str | None, str]] = field(default_factory=list)
    zone: str = ZONE  # the businesses' time zone (their history's days)


def busy_diary(fake: FakeGoogle, calendar: str, rng: random.Random) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    fake.events[calendar] = {}
    for n in range(BUSY_EVENTS):
        start = now + timedelta(minutes=15 * rng.randrange(4, 4 * 24 * 28))
        fake.put_event(calendar, _event(f"busy{n}", start, rng.choice([15, 30, 60])))


def _event(event_id: str, start: datetime, minutes: int) -> dict[str, Any]:
    return {
        "id": event_id,
        "status": "confirmed",
        "summary": "Busy",
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": (start + timedelta(minutes=minutes)).isoformat()},
        "updated": datetime.now(UTC).isoformat(),
    }


def one_calendar(fake: FakeGoogle, root: Path) -> World:
    fake.events[CAL] = {}
    return World(
        "one calendar",
        ONE_CALENDAR,
        [CAL],
        env={"GOOGLE_CALENDAR_ID": CAL},
        lanes=[(ONE_BUSINESS, None, CAL)],
    )


def eight_staff(fake: FakeGoogle, root: Path) -> World:
    """business.toml with 8 people who all do every service, each on their own calendar."""
    rng = random.Random(8)
    text = ONE_CALENDAR.read_text(encoding="utf-8")
    calendars = []
    for index in range(8):
        calendar = f"person{index}@bench.test"
        calendars.append(calendar)
        busy_diary(fake, calendar, rng)
        text += f'\n[[staff]]\nname = "Person {index}"\nid = "p{index}"\ncalendar = "{calendar}"\n'
    config = root / "eight-staff.toml"
    config.write_text(text, encoding="utf-8")
    fake.events[CAL] = {}
    return World(
        "8 staff, anyone",
        config,
        [*calendars, CAL],
        env={"GOOGLE_CALENDAR_ID": CAL},
        lanes=[(ONE_BUSINESS, f"p{index}", c) for index, c in enumerate(calendars)],
    )


def many_businesses(fake: FakeGoogle, root: Path, count: int = 200) -> World:
    """``count`` copies of business.toml in a directory, each on its own Google calendar,
    routed by agent id."""
    rng = random.Random(200)
    directory = root / "businesses"
    directory.mkdir()
    text = ONE_CALENDAR.read_text(encoding="utf-8")
    business_line = next(line for line in text.splitlines() if line.startswith("id = "))
    calendars = []
    for index in range(count):
        business_id = f"bench-{index:03d}"
        calendar = f"{business_id}@bench.test"
        calendars.append(calendar)
        busy_diary(fake, calendar, rng)
        body = text.replace(business_line, f'id = "{business_id}"', 1)
        body += (
            f'\n[retell]\nagent_ids = ["agent_{business_id}"]\n'
            f'\n[calendar]\nid = "{calendar}"\ncredentials_env = "{CREDENTIALS_ENV}"\n'
        )
        (directory / f"{business_id}.toml").write_text(body, encoding="utf-8")
    return World(
        f"{count} businesses, random",
        directory,
        calendars,
        wrk_env={"BENCH_BUSINESSES": str(count)},
        lanes=[(f"bench-{index:03d}", None, c) for index, c in enumerate(calendars)],
    )


WORLDS = {"one": one_calendar, "staff": eight_staff, "tenants": many_businesses}
