"""Each business's data versions (migrations 20261124001200, 20261126000100), read for many
requests at once: one for our appointments, one for the calendar mirror, each moved on by every
change to what a search reads of it, in the same transaction.

A kept answer may be served only while its business's version is unchanged, so a search must
learn the version current when it arrived. One round trip per search would cost more than the
search itself under load (one ``select`` per request caps a bare Litestar endpoint at about a
third of its speed: docs/operations.md), so reads are shared: a request joins the next read
that has not yet been sent, and one query answers every business asked for meanwhile. A read
sent before the request arrived is never used for it, so it still sees every change committed
before it arrived (on any instance). Idle, a request waits for nothing but its own read; busy,
one round trip serves dozens.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import NamedTuple

import asyncpg

from app.db.faults import store_faults


class DataVersion(NamedTuple):
    """Where a business's data stands: a kept value read from one part is good while that
    part's number is unchanged; an answer computed from both, while both are."""

    appointments: int = 0
    mirror: int = 0


UNCHANGED = DataVersion()  # a business nothing was ever written for

Fetch = Callable[[Sequence[str]], Awaitable[dict[str, DataVersion]]]  # business -> now


def postgres_versions(pool: asyncpg.Pool) -> Fetch:
    """Many businesses' versions in one round trip."""

    async def fetch(business_ids: Sequence[str]) -> dict[str, DataVersion]:
        async with store_faults():
            rows = await pool.fetch("select * from fd_data_versions($1::text[])", business_ids)
        return {row[0]: DataVersion(row[1], row[2]) for row in rows}

    return fetch


class VersionReader:
    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._wanted: dict[str, asyncio.Future[DataVersion]] = {}  # the next read, not yet sent
        self._sending: asyncio.Task[None] | None = None
        self.reads = 0  # round trips, for tests and benchmarks

    def read(self, business_id: str) -> asyncio.Future[DataVersion]:
        """The business's version, from a read sent after this call: a future shared by every
        caller until then (await it through :func:`current`, which shields it)."""
        waiting = self._wanted.get(business_id)
        if waiting is None:
            waiting = asyncio.get_running_loop().create_future()
            self._wanted[business_id] = waiting
            if self._sending is None:
                self._sending = asyncio.create_task(self._send())
        return waiting

    async def _send(self) -> None:
        """Send the wanted reads, one round trip at a time, until nobody waits."""
        batch: dict[str, asyncio.Future[DataVersion]] = {}
        try:
            while self._wanted:
                batch, self._wanted = self._wanted, {}
                self.reads += 1
                try:
                    found = await self._fetch(list(batch))
                except Exception as error:  # each waiter hears the fault (StoreUnavailable)
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(error)
                    continue
                for business_id, future in batch.items():
                    if not future.done():
                        future.set_result(found.get(business_id, UNCHANGED))
        finally:
            self._sending = None
            for future in [*batch.values(), *self._wanted.values()]:  # cancelled (shutdown)
                if not future.done():
                    future.cancel()
            self._wanted = {}


Version = Callable[[str], Awaitable[DataVersion]]  # a business's data versions, read now


@dataclass(slots=True)
class _Call:
    """What one tool call has learnt of the data: each business's version (read once, shared
    by the call's lookups) and whether it read anything the versions do not cover."""

    versions: dict[str, asyncio.Future[DataVersion]] = field(default_factory=dict)
    unversioned: bool = False
    expires: float = math.inf  # the earliest a kept value it read expires (time.monotonic)


# Within one read-only tool call, each business's version is read once and shared by the
# lookups of that call (a search looks up our appointments and the mirror at once): the read
# starts after the call arrived, so the call still sees every change committed before it.
# Calls that change things read it afresh each time (their second search must see the race
# they lost).
_THIS_CALL: ContextVar[_Call | None] = ContextVar("frontdesk_versions", default=None)


@contextmanager
def one_version_per_call() -> Iterator[None]:
    token = _THIS_CALL.set(_Call())
    try:
        yield
    finally:
        _THIS_CALL.reset(token)


async def current(read: Version, business_id: str) -> DataVersion:
    """The business's version: this call's, when it has read it already."""
    call = _THIS_CALL.get()
    pending = call.versions.get(business_id) if call is not None else None
    if pending is None:
        pending = asyncio.ensure_future(read(business_id))  # a future stays itself: no task
        if call is not None:
            call.versions[business_id] = pending
    return await asyncio.shield(pending)  # one caller's cancellation is not the others'


def read_unversioned() -> None:
    """This call read something no version covers (Google itself, the mirror being stale):
    what it computes must not be kept."""
    call = _THIS_CALL.get()
    if call is not None:
        call.unversioned = True


def read_kept(expires: float) -> None:
    """This call read a kept value that expires then: what it computes expires no later."""
    call = _THIS_CALL.get()
    if call is not None and expires < call.expires:
        call.expires = expires


@contextmanager
def watching() -> Iterator[_Call]:
    """Note, for what runs inside, whether it read only what the versions cover, and until
    when what it read was kept (a nested watch shares the call's versions, and tells the
    outer one what it saw)."""
    outer = _THIS_CALL.get()
    inner = _Call(versions=outer.versions if outer is not None else {})
    token = _THIS_CALL.set(inner)
    try:
        yield inner
    finally:
        _THIS_CALL.reset(token)
        if outer is not None:
            outer.unversioned = outer.unversioned or inner.unversioned
            outer.expires = min(outer.expires, inner.expires)
