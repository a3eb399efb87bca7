"""Where the business is reached beyond the call: ``[webhooks]`` (its other systems hear of
every change), ``[notify]`` (texts to the owner and to callers) and ``[handoff]`` (the number a
caller asking for a person is transferred to, and when someone answers it). Strict like the
rest of the config: every message names the key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agent_tools.business import WEEKDAYS, Notify, OpenRange, WebhookTarget
from agent_tools.errors import ConfigError
from agent_tools.handoff import Handoff
from agent_tools.phones import InvalidPhone, normalise
from app import config_fields as read


def read_webhook(section: Mapping[str, Any]) -> WebhookTarget | None:
    if not section:
        return None
    url = read.string(section, "url", "webhooks.url")
    if not re.fullmatch(r"https?://[^\s/]+\S*", url):
        raise ConfigError(f"webhooks.url: {url!r} is not an http(s) URL")
    secret_env = read.string(
        section, "secret_env", "webhooks.secret_env", default="FRONTDESK_WEBHOOK_SECRET"
    )
    if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", secret_env):
        raise ConfigError(
            "webhooks.secret_env: the name of an environment variable, like MY_SECRET"
        )
    return WebhookTarget(url, secret_env)


def read_notify(section: Mapping[str, Any], country: str | None) -> Notify:
    owner = None
    raw = section.get("owner_phone")
    if raw is not None:
        if not isinstance(raw, str):
            raise ConfigError("notify.owner_phone: a phone number as a string")
        try:
            owner = normalise(raw, country).e164
        except InvalidPhone:
            raise ConfigError(
                f"notify.owner_phone: {raw!r} is not a whole phone number "
                "(start it with + and the country code, or set business.country)"
            ) from None
    confirmations = section.get("sms_confirmations", False)
    if not isinstance(confirmations, bool):
        raise ConfigError("notify.sms_confirmations: true or false")
    hours = section.get("reminder_hours", [])
    if not isinstance(hours, list) or not all(
        isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= 24 * 14 for h in hours
    ):
        raise ConfigError("notify.reminder_hours: a list of hours from 1 to 336, like [24, 2]")
    email = section.get("owner_email")
    if email is not None and (
        not isinstance(email, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)
    ):
        raise ConfigError(f"notify.owner_email: {email!r} is not an email address")
    emails = section.get("email_confirmations", False)
    if not isinstance(emails, bool):
        raise ConfigError("notify.email_confirmations: true or false")
    return Notify(owner, confirmations, tuple(sorted(set(hours), reverse=True)), email, emails)


def read_handoff(section: Mapping[str, Any], country: str | None) -> Handoff | None:
    if not section:
        return None
    raw = read.string(section, "transfer_number", "handoff.transfer_number")
    try:
        number = normalise(raw, country).e164
    except InvalidPhone:
        raise ConfigError(
            f"handoff.transfer_number: {raw!r} is not a whole phone number "
            "(start it with + and the country code, or set business.country)"
        ) from None
    hours = section.get("hours")
    if hours is not None and not isinstance(hours, Mapping):
        raise ConfigError('handoff.hours: must be a table like { mon = ["09:00-17:00"] }')
    for day in hours or {}:
        if day not in WEEKDAYS:
            raise ConfigError(f"handoff.hours.{day}: not a weekday (use {', '.join(WEEKDAYS)})")
    weekly = None if hours is None else _weekly(hours, "handoff.hours")
    return Handoff(number, weekly)


def _weekly(hours: Mapping[str, Any], path: str) -> dict[int, tuple[OpenRange, ...]]:
    return {
        index: read.ranges(hours[day], f"{path}.{day}")
        for index, day in enumerate(WEEKDAYS)
        if day in hours
    }
