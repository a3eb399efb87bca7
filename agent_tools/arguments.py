"""Argument types the tools' models share.

``TimeText`` is what a caller or the agent says about time (a phrase, ISO 8601, a range or a
slot id). A year written in ISO form in it must be one a business could book (1900-2199):
anything further is refused as ``invalid_arguments`` before date arithmetic could overflow at
the calendar's edges (year 1 or 9999). In spoken text a four-digit number from 2400 up can be
neither a clock time ("at 2230") nor a bookable year, so it is refused too."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
# A year that opens ISO text ("9999-12-31"), an ISO range's second half ("/9999-..."), or a
# slot id's instant ("cleaning@99991231T2330Z").
_ISO_YEAR = re.compile(r"(?:^|[/@])\s*(\d{4})(?=-|\d{4}T)")
_FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _bookable_years(text: str) -> str:
    for match in _ISO_YEAR.finditer(text):
        year = int(match[1])
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValueError(f"the year {year} is out of reach; say a day within months")
    for match in _FOUR_DIGITS.finditer(text):
        if int(match[1]) >= 2400:
            raise ValueError(
                f"the year {match[1]} is out of reach; say a day within the next months"
            )
    return text


TimeText = Annotated[str, AfterValidator(_bookable_years)]
