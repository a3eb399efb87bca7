"""The one place logging is configured: structlog, JSON off a terminal, console on one.

Personal data never reaches a log line whole: phone numbers keep their last two digits, names
their initial, emails their domain.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_PHONE_KEYS = frozenset({"phone", "from_number", "to_number", "customer_phone"})
_NAME_KEYS = frozenset({"name", "customer_name"})
_EMAIL_KEYS = frozenset({"email", "customer_email"})


def redact_phone(value: str) -> str:
    digits = [c for c in value if c.isdigit()]
    return "*" * max(len(digits) - 2, 0) + "".join(digits[-2:])


def _redact(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return {k: _redact(v, k) for k, v in value.items()}
    if not isinstance(value, str) or not value:
        return value
    if key in _PHONE_KEYS:
        return redact_phone(value)
    if key in _NAME_KEYS:
        return value[0] + "***"
    if key in _EMAIL_KEYS:
        return "***@" + value.rpartition("@")[2]
    return value


def redact_personal_data(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in list(event):
        event[key] = _redact(event[key], key)
    return event


def configure_logging(log_format: str = "auto", level: str = "info") -> None:
    as_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    renderer: Any = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_personal_data,
            structlog.processors.format_exc_info if as_json else structlog.dev.set_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    # pgserver narrates every initdb/pg_ctl step at INFO; only its problems matter to operators.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
