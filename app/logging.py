"""The one place logging is configured: structlog, JSON off a terminal, console on one.

Personal data never reaches a log line whole: phone numbers keep their last two digits, names
their initial, emails their domain.
"""

from __future__ import annotations

import logging
import re
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


# A number in a traceback (an exception message, a constraint's detail) is redacted like a phone
# field: an E.164 number, or a run of 10 or more digits.
_PHONE_IN_TEXT = re.compile(r"\+\d{7,15}|(?<!\d)\d{10,15}(?!\d)")


def redact_exception(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    text = event.get("exception")
    if isinstance(text, str):
        event["exception"] = _PHONE_IN_TEXT.sub(lambda m: redact_phone(m[0]), text)
    return event


class _StderrHandler(logging.Handler):
    """One line per record on whatever ``sys.stderr`` is at the time (a captured one in tests)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def configure_logging(
    log_format: str = "auto", level: str = "info", *, final: bool = False
) -> None:
    """structlog for our own lines, and every stdlib logger (asyncpg, uvicorn, litestar...)
    routed through the same processors and renderer: one JSON object per line, tracebacks
    included as a redacted ``exception`` field. ``final``: configured once for the process's
    life (the server), so each logger is built on first use and not on every line."""
    as_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    number = logging.getLevelNamesMapping()[level.upper()]
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_personal_data,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(number),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=final,  # not final: configure_logging may run again (tests)
    )
    rendering: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if as_json:
        rendering += [
            structlog.processors.format_exc_info,
            redact_exception,
            structlog.processors.JSONRenderer(),
        ]
    else:
        rendering.append(structlog.dev.ConsoleRenderer())
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=rendering)
    )
    root = logging.getLogger()
    for old in list(root.handlers):  # nothing else prints: one format on stderr
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(number)
    # Libraries log through the root handler, never their own: no plain lines between the JSON.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "asyncpg", "litestar"):
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
        library.setLevel(logging.NOTSET)  # the root's level applies
    # pgserver narrates every initdb/pg_ctl step at INFO; only its problems matter to operators.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
