"""Spreading many businesses' Google work over time instead of doing it all at once.

With hundreds of calendars, channels opened in the same minute would all expire (and be
renewed) in the same minute, and every safety poll would fire together. Each business gets a
start offset by its position, and each business's channels a lifetime shortened by a stable
amount derived from its id: renewals land spread over a quarter of the lifetime.
"""

from __future__ import annotations

import hashlib

# Start-up: businesses begin their Google work this far apart, at most this late.
START_STEP_SECONDS = 0.25
START_SPREAD_SECONDS = 60.0
# Channel lifetimes vary over this fraction of the configured TTL (7 days: over ~42 hours).
TTL_SPREAD = 0.25


def start_delay(index: int) -> float:
    """Seconds the ``index``-th business waits before its first sync, poll and watch."""
    if index <= 0:
        return 0.0
    return (index * START_STEP_SECONDS) % START_SPREAD_SECONDS


def channel_ttl(ttl_seconds: int, business_id: str) -> int:
    """The business's channel lifetime: ``ttl_seconds`` less a stable share of up to
    :data:`TTL_SPREAD` of it (the same business always gets the same share)."""
    digest = hashlib.sha256(business_id.encode()).digest()
    share = int.from_bytes(digest[:4], "big") / 2**32
    return max(1, int(ttl_seconds * (1 - TTL_SPREAD * share)))
