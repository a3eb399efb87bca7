"""The phrase corpus as data: rows read from the ``*.tsv`` files beside this module, and the one
way a resolved window is written down so a row's expected value can be compared with it.

Format and semantics: the header of each ``.tsv`` file and docs/time-phrases.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from agent_tools.business import Business
from agent_tools.errors import UnclearTime
from agent_tools.when import resolve_when
from app.business_config import load_business

CORPUS = Path(__file__).parent
FIXTURES = CORPUS.parent.parent / "fixtures"
KNOWN_MISSES = CORPUS / "known_misses.tsv"

# Wednesday, March 10, 2027, 10:00 in New York (four days before the clocks go forward).
DEFAULT_REFERENCE = datetime(2027, 3, 10, 15, tzinfo=UTC)
DEFAULT_BUSINESS = "business"

SPAN = re.compile(
    r"(?P<start>\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d{4})/(?P<end>\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d{4})"
    r"(?: (?P<daily>\d\d:\d\d-\d\d:\d\d))?"
)


@dataclass(frozen=True, slots=True)
class Row:
    """One phrase, what it must mean, and where it was read from."""

    source: str
    pattern: str
    phrase: str
    expected: str
    reference: datetime
    business: str
    file: str
    line: int

    @property
    def id(self) -> str:
        """``source:pattern:phrase``, plus ``@reference`` and ``/business`` when not the default."""
        key = f"{self.source}:{self.pattern}:{self.phrase}"
        if self.reference != DEFAULT_REFERENCE:
            key += f"@{self.reference:%Y-%m-%dT%H:%MZ}"
        if self.business != DEFAULT_BUSINESS:
            key += f"/{self.business}"
        return key


def _reference(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"reference {text!r} needs an offset or Z")
    return value.astimezone(UTC)


def _rows_of(path: Path) -> Iterator[Row]:
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in raw.split("\t")]
        if len(cells) < 4 or len(cells) > 6:
            raise ValueError(f"{path.name}:{number}: expected 4 to 6 tab-separated cells")
        source, pattern, phrase, expected = cells[:4]
        reference = _reference(cells[4]) if len(cells) > 4 and cells[4] else DEFAULT_REFERENCE
        business = cells[5] if len(cells) > 5 and cells[5] else DEFAULT_BUSINESS
        yield Row(source, pattern, phrase, expected, reference, business, path.name, number)


@cache
def rows() -> tuple[Row, ...]:
    """Every row of every ``.tsv`` corpus file (the known-miss list excluded), in file order."""
    files = sorted(p for p in CORPUS.glob("*.tsv") if p != KNOWN_MISSES)
    return tuple(row for path in files for row in _rows_of(path))


@cache
def known_misses() -> dict[str, str]:
    """Row id -> why the reader gets it wrong today (``known_misses.tsv``: id, reason)."""
    misses: dict[str, str] = {}
    if not KNOWN_MISSES.exists():
        return misses
    for raw in KNOWN_MISSES.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            key, _, reason = raw.partition("\t")
            misses[key.strip()] = reason.strip()
    return misses


@cache
def business(name: str) -> Business:
    """The test business from ``tests/fixtures/<name>.toml``."""
    return load_business(FIXTURES / f"{name}.toml")


def _clock(moment: time) -> str:
    return "24:00" if moment == time.max else f"{moment:%H:%M}"


def _span(span: Any, zone: ZoneInfo) -> str:
    """START/END as local wall times of the business (each instant re-read in its zone, so a
    wall time the clocks skip shows as the instant it is), plus the daily span when set."""
    start, end = (moment.astimezone(UTC).astimezone(zone) for moment in (span.start, span.end))
    daily = f" {_clock(span.daily[0])}-{_clock(span.daily[1])}" if span.daily else ""
    return f"{start:%Y-%m-%dT%H:%M%z}/{end:%Y-%m-%dT%H:%M%z}{daily}"


def spans_of(window: Any) -> Iterable[Any]:
    """The spans of a window: its ``spans`` when it holds several, else the window itself."""
    spans = getattr(window, "spans", None)
    return [window] if spans is None else spans


def describe(row: Row) -> str:
    """What the reader makes of the row's phrase, written like an expected value."""
    where = business(row.business)
    try:
        window = resolve_when(row.phrase, row.reference, where)
    except UnclearTime:
        return "unclear"
    except Exception as error:  # a crash is a wrong answer too, and the report keeps going
        return f"error: {type(error).__name__}: {error}"
    if window is None:
        return "asap"
    return " + ".join(_span(span, where.timezone) for span in spans_of(window))


def canonical(value: str) -> str:
    """An expected value or a description with its spans in time order (a list means the same
    whichever way round the caller said it)."""
    return " + ".join(sorted(value.split(" + "), key=_span_start))


def _span_start(span: str) -> tuple[datetime, str]:
    match = SPAN.match(span)
    if match is None:
        return (datetime.min.replace(tzinfo=UTC), span)
    return (datetime.strptime(match["start"], "%Y-%m-%dT%H:%M%z"), span)


def right(row: Row, described: str) -> bool:
    """Whether the reader's description of the row is what the row expects."""
    return canonical(described) == canonical(row.expected)


def malformed(row: Row) -> str | None:
    """Why the row's expected value cannot be right on its face, or None."""
    if row.expected in {"asap", "unclear"}:
        return None
    zone = business(row.business).timezone
    for text in row.expected.split(" + "):
        match = SPAN.fullmatch(text)
        if match is None:
            return f"{text!r} is not START/END [HH:MM-HH:MM]"
        start = datetime.strptime(match["start"], "%Y-%m-%dT%H:%M%z")
        end = datetime.strptime(match["end"], "%Y-%m-%dT%H:%M%z")
        if start >= end:
            return f"{text!r} ends before it starts"
        for moment in (start, end):
            local = moment.astimezone(zone)
            if (local.replace(tzinfo=None), local.utcoffset()) != (
                moment.replace(tzinfo=None),
                moment.utcoffset(),
            ):
                return f"{moment:%Y-%m-%dT%H:%M%z} is not a wall time of {zone.key}"
    return None
