"""Argument types shared by the tools' models: free text cleaned of control and bidirectional
characters, and phone numbers in E.164 (read in the business's country).

The country arrives as pydantic's validation context (``{"country": "GB"}``), which the edge
passes when it validates a tool call; without it only numbers starting with ``+`` are read.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from agent_tools.phones import normalise

# Explicit direction marks, embeddings, overrides and isolates: they reorder what a reader sees.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def clean_text(value: Any) -> Any:
    """Line breaks and tabs become spaces; bidi controls, other control characters and
    invisible formatting go; NFC. Non-strings pass through for pydantic to refuse."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", _BIDI.sub("", value))
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\u200c\u200d"
    )
    return _SPACE.sub(" ", kept).strip()


def _phone(value: str, info: ValidationInfo) -> str:
    context = info.context if isinstance(info.context, dict) else {}
    country = context.get("country")
    return normalise(value, country if isinstance(country, str) else None).e164


PHONE_HELP = (
    "As the caller said it, with the area code (e.g. '07700 900555' or '+44 7700 900555'); "
    "the server stores it in E.164 (+447700900555)."
)

FreeText = Annotated[str, BeforeValidator(clean_text)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(_phone)]
