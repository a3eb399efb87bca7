"""A calendar kept in a JSON file: the embedded default, standing in for Google Calendar.

The file is meant to be read and edited by hand while the server is stopped (add an event to
block time, as staff would in Google), so it is plain JSON with ISO 8601 times.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from calendar_adapter.protocol import (
    BusyByCalendar,
    BusySpan,
    CalendarUnavailableError,
    NewEvent,
)

log = structlog.get_logger("frontdesk.calendar")


class LocalCalendar:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = asyncio.Lock()
        self._events: dict[str, dict[str, Any]] = {}
        self._spans: dict[str, BusySpan] = {}
        self._lines: dict[str, str] = {}
        self._broken: str | None = None
        # Moves on with every change of the busy time: this process is the file's only writer
        # (app/data_lock.py), so it versions the file as Postgres versions our appointments,
        # and searches' answers can be kept under it (app/db/kept_answers.py).
        self.changes = 0
        try:
            if path.exists():
                self._events = json.loads(path.read_text(encoding="utf-8")).get("events", {})
            # Parsed once: busy() runs on every find_slots call; no re-parsing ISO strings.
            self._spans = {key: _span(e["start"], e["end"]) for key, e in self._events.items()}
            # Each event's line of the file, written again only when the event changes.
            self._lines = {key: _line(key, e) for key, e in self._events.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            # A hand edit gone wrong: serve, but as a calendar that cannot be read, until fixed.
            self._broken = f"{path}: {type(error).__name__}: {error}"
            log.exception("calendar.local_unreadable", path=str(path), error=type(error).__name__)

    async def busy(
        self, calendar_ids: Sequence[str], start: datetime, end: datetime, *, live: bool = False
    ) -> BusyByCalendar:
        self._usable()
        found: BusyByCalendar = {calendar_id: [] for calendar_id in calendar_ids}
        low, high = int(start.timestamp()), int(end.timestamp())
        for key, span in self._spans.items():
            if span[0] < high and span[1] > low:
                spans = found.get(self._events[key].get("calendar_id", "primary"))
                if spans is not None:
                    spans.append(span)
        return found

    async def create_event(self, calendar_id: str, event: NewEvent) -> None:
        self._usable()
        key = f"{calendar_id}/{event.event_id}"
        async with self._lock:
            if key in self._events:
                return
            self._events[key] = {
                "calendar_id": calendar_id,
                "start": event.start.isoformat(),
                "end": event.end.isoformat(),
                "summary": event.summary,
                "description": event.description,
                "appointment_id": event.appointment_id,
            }
            self._spans[key] = (int(event.start.timestamp()), int(event.end.timestamp()))
            self.changes += 1
            self._lines[key] = _line(key, self._events[key])
            await self._save()

    async def delete_event(self, calendar_id: str, event_id: str) -> None:
        self._usable()
        key = f"{calendar_id}/{event_id}"
        async with self._lock:
            if self._events.pop(key, None) is None:
                return
            del self._spans[key]
            self.changes += 1
            del self._lines[key]
            await self._save()

    async def move_event(
        self, calendar_id: str, event_id: str, start: datetime, end: datetime
    ) -> None:
        self._usable()
        key = f"{calendar_id}/{event_id}"
        async with self._lock:
            event = self._events.get(key)
            if event is None:
                raise LookupError(event_id)
            event["start"], event["end"] = start.isoformat(), end.isoformat()
            self._spans[key] = (int(start.timestamp()), int(end.timestamp()))
            self.changes += 1
            self._lines[key] = _line(key, event)
            await self._save()

    async def event_times(
        self, calendar_id: str, event_id: str
    ) -> tuple[datetime, datetime] | None:
        self._usable()
        event = self._events.get(f"{calendar_id}/{event_id}")
        if event is None:
            return None
        return datetime.fromisoformat(event["start"]), datetime.fromisoformat(event["end"])

    async def event(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        """The stored event as written to the file (for tests and the curious)."""
        return self._events.get(f"{calendar_id}/{event_id}")

    async def aclose(self) -> None:
        return None

    def _usable(self) -> None:
        if self._broken is not None:
            raise CalendarUnavailableError(self._broken)

    async def _save(self) -> None:
        # One event per line: readable and editable, each line serialised once per change.
        text = '{"events": {\n' + ",\n".join(self._lines.values()) + "\n}}\n"
        try:
            await asyncio.to_thread(_write_atomically, self._path, text)
        except OSError as error:
            log.exception("calendar.local_write_failed", path=str(self._path))
            raise CalendarUnavailableError(type(error).__name__) from error


def _line(key: str, event: dict[str, Any]) -> str:
    return f"  {json.dumps(key)}: {json.dumps(event)}"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _span(start: str, end: str) -> BusySpan:
    return int(datetime.fromisoformat(start).timestamp()), int(
        datetime.fromisoformat(end).timestamp()
    )
