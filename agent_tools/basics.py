"""The smallest values the business rules are made of: an opening range, and words as a caller
may say them. Shared by agent_tools.business and agent_tools.staff."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import time
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class OpenRange:
    """Wall-clock opening hours within one local day; ``end`` is exclusive."""

    start: time
    end: time


@lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@lru_cache(maxsize=8192)
def loose(text: str) -> str:
    """Words as a caller may say them: no accents, apostrophes, punctuation or plural "s".
    (Kept for the words seen lately: every search reads the service's names again.)"""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = re.sub(r"['\u2019`]", "", plain).replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", plain)
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )
