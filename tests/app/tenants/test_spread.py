"""Hundreds of calendars do not renew their Google channels, or start syncing, all at once."""

from __future__ import annotations

from collections import Counter

from app.tenants.spread import START_SPREAD_SECONDS, TTL_SPREAD, channel_ttl, start_delay

WEEK = 7 * 24 * 3600


def test_channel_lifetimes_of_600_calendars_spread_over_a_quarter_of_the_ttl() -> None:
    lifetimes = [channel_ttl(WEEK, f"business-{i}") for i in range(600)]
    assert all(WEEK * (1 - TTL_SPREAD) <= t <= WEEK for t in lifetimes)
    per_hour = Counter(t // 3600 for t in lifetimes)
    assert len(per_hour) >= 40  # the ~42 hours of spread are all used
    assert max(per_hour.values()) <= 35  # no hour renews more than ~6% of them


def test_a_business_keeps_its_channel_lifetime_across_restarts() -> None:
    assert channel_ttl(WEEK, "acme-dental") == channel_ttl(WEEK, "acme-dental")
    assert channel_ttl(WEEK, "acme-dental") != channel_ttl(WEEK, "harbour-physio")


def test_businesses_start_their_google_work_staggered_within_a_minute() -> None:
    delays = [start_delay(i) for i in range(600)]
    assert delays[0] == 0
    assert all(0 <= d < START_SPREAD_SECONDS for d in delays)
    assert max(Counter(delays).values()) <= 3  # at most 3 of 600 begin in the same instant
