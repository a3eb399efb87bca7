"""Before serving: the database is waited for (a bounded time, so a start during a database
restart succeeds), and one that stays away is one clear line, not a traceback."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlparse

import asyncpg
import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential,
)

from app.db.faults import CONNECTION_FAULTS

log = structlog.get_logger("frontdesk.startup")

# Named retry policy: reaching the database at start, 0.5 s doubling to 5 s between attempts.
DATABASE_AT_START_WAIT = wait_exponential(multiplier=0.5, max=5)


class StartupError(Exception):
    """Something the server needs is not there; the message is the whole story."""


async def wait_for_database(url: str, wait_seconds: float) -> None:
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(CONNECTION_FAULTS),
            wait=DATABASE_AT_START_WAIT,
            stop=stop_after_delay(wait_seconds),
            before_sleep=_waiting,
            reraise=True,
        ):
            with attempt:
                connection = await asyncpg.connect(url, timeout=5)
                await connection.close()
    except CONNECTION_FAULTS as error:
        raise StartupError(f"database at {database_address(url)} {_why(error)}") from None
    except asyncpg.PostgresError as error:
        raise StartupError(f"database at {database_address(url)} refused us: {error}") from None


def database_address(url: str) -> str:
    """host:port of a Postgres URL (a socket directory given as ``?host=`` counts as the host);
    never the user or password."""
    parsed = urlparse(url)
    host = parse_qs(parsed.query).get("host", [parsed.hostname or "localhost"])[0]
    return f"{host}:{parsed.port or 5432}"


def _why(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "refused the connection"
    if isinstance(error, socket.gaierror):
        return "could not be resolved"
    if isinstance(error, TimeoutError):
        return "did not answer in time"
    if isinstance(error, asyncpg.exceptions.CannotConnectNowError):
        return "is starting up or shutting down"
    return f"could not be reached ({type(error).__name__})"


def _waiting(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    log.warning("startup.database_waiting", attempt=state.attempt_number, error=repr(error))
