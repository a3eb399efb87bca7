"""The app as a process of its own, for tests that kill it: ``python -m tests.e2e.app_process``
with the settings in the environment, the tests' clock, and an optional pause point where the
process signals (by creating ``FD_TEST_REACHED``) and then hangs until it is killed:

- ``FD_TEST_PAUSE=create_event``: mid-booking, the reservation made, before the calendar write;
- ``FD_TEST_PAUSE=after_confirm``: the booking committed, before the reply is sent.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import uvicorn

from app.db.appointments import PostgresAppointmentStore
from app.factory import create_app
from app.settings import Settings
from calendar_adapter.local import LocalCalendar
from calendar_adapter.protocol import NewEvent
from tests.conftest import NOW


async def _hang(reached: Path) -> None:
    await asyncio.to_thread(reached.touch)
    await asyncio.sleep(3600)


def _install_pause(point: str, reached: Path) -> None:
    if point == "create_event":

        async def create_event(self: LocalCalendar, calendar_id: str, event: NewEvent) -> None:
            await _hang(reached)

        LocalCalendar.create_event = create_event  # type: ignore[method-assign]
    elif point == "after_confirm":
        confirm = PostgresAppointmentStore.confirm

        async def confirm_then_hang(self: PostgresAppointmentStore, appointment_id: str) -> Any:
            await confirm(self, appointment_id)
            await _hang(reached)

        PostgresAppointmentStore.confirm = confirm_then_hang  # type: ignore[method-assign]


def main() -> None:
    point = os.environ.get("FD_TEST_PAUSE")
    if point:
        _install_pause(point, Path(os.environ["FD_TEST_REACHED"]))
    settings = Settings.from_env()
    app = create_app(settings, clock=lambda: NOW)
    uvicorn.run(app, host="127.0.0.1", port=settings.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
