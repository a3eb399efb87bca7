"""Which database errors mean "the database is unreachable right now" (as opposed to a bug):
the caller hears "try again", and a retry is safe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from agent_tools.ports import StoreUnavailableError

CONNECTION_FAULTS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,  # our connection was terminated
    asyncpg.exceptions.ObjectNotInPrerequisiteStateError,  # database not accepting connections
    asyncpg.exceptions.InternalClientError,  # a connection broken mid-operation
)


@asynccontextmanager
async def store_faults() -> AsyncIterator[None]:
    """Connection trouble becomes :class:`StoreUnavailableError`."""
    try:
        yield
    except CONNECTION_FAULTS as error:
        raise StoreUnavailableError(type(error).__name__) from error
