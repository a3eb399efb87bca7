"""Data versions read for many requests at once (app/db/versions.py): one round trip serves
every request that arrived before it was sent, and none sent before a request arrived is used
for it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import pytest

from agent_tools.ports import StoreUnavailableError
from app.db.versions import (
    DataVersion,
    VersionReader,
    current,
    one_version_per_call,
    postgres_versions,
    read_unversioned,
    watching,
)


class Database:
    """Our appointments' versions as Postgres would answer them (the mirror's stays 0), with
    each round trip held until released."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {}
        self.sent: list[list[str]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail = False

    async def __call__(self, business_ids: Sequence[str]) -> dict[str, DataVersion]:
        self.sent.append(list(business_ids))
        answer = dict(self.versions)  # what the query sees when it is sent
        await self.gate.wait()
        if self.fail:
            raise StoreUnavailableError("ConnectionResetError")
        return {b: DataVersion(answer.get(b, 0)) for b in business_ids}


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_requests_arriving_together_share_one_round_trip_for_all_their_businesses() -> None:
    db = Database()
    db.versions = {"a": 3, "b": 5}
    reader = VersionReader(db)
    found = await asyncio.gather(*(current(reader.read, b) for b in ["a", "b", "a", "c"]))
    assert [version.appointments for version in found] == [3, 5, 3, 0]
    assert db.sent == [["a", "b", "c"]] and reader.reads == 1


async def test_a_request_arriving_while_a_read_is_out_waits_for_the_next_read() -> None:
    db = Database()
    reader = VersionReader(db)
    db.gate.clear()
    early = asyncio.ensure_future(current(reader.read, "a"))
    await settle()
    assert db.sent == [["a"]]  # the first read is out, and saw version 0
    db.versions["a"] = 1  # a booking commits; then a search arrives
    late = asyncio.ensure_future(current(reader.read, "a"))
    await settle()
    db.gate.set()
    assert (await early).appointments == 0
    assert (await late).appointments == 1  # not the answer of the read sent before it arrived
    assert len(db.sent) == 2


async def test_a_failed_read_reaches_every_waiter_and_the_next_read_is_sent_afresh() -> None:
    db = Database()
    reader = VersionReader(db)
    db.fail = True
    results = await asyncio.gather(
        current(reader.read, "a"), current(reader.read, "b"), return_exceptions=True
    )
    assert all(isinstance(r, StoreUnavailableError) for r in results)
    db.fail = False
    db.versions["a"] = 4
    assert await current(reader.read, "a") == DataVersion(appointments=4)


async def test_one_waiter_cancelled_does_not_cancel_the_others() -> None:
    db = Database()
    reader = VersionReader(db)
    db.gate.clear()
    db.versions["a"] = 2
    impatient = asyncio.ensure_future(current(reader.read, "a"))
    patient = asyncio.ensure_future(current(reader.read, "a"))
    await settle()
    impatient.cancel()
    db.gate.set()
    assert await patient == DataVersion(appointments=2)
    with pytest.raises(asyncio.CancelledError):
        await impatient


async def test_within_one_call_the_version_is_read_once_and_an_unversioned_read_is_noted() -> None:
    db = Database()
    reader = VersionReader(db)
    with one_version_per_call():
        await current(reader.read, "a")
        await current(reader.read, "a")
        with watching() as seen:
            assert not seen.unversioned
            read_unversioned()
        assert seen.unversioned
    assert reader.reads == 1
    read_unversioned()  # outside any call: nothing to note, nothing breaks


async def test_postgres_answers_many_businesses_in_one_query(clean_pool: asyncpg.Pool) -> None:
    await clean_pool.execute(
        "insert into data_versions (business_id, version, mirror_version)"
        " values ('v-one', 7, 1), ('v-two', 9, 4) on conflict (business_id) do update"
        " set version = excluded.version, mirror_version = excluded.mirror_version"
    )
    fetch = postgres_versions(clean_pool)
    assert await fetch(["v-one", "v-two", "v-none"]) == {
        "v-one": DataVersion(7, 1),
        "v-two": DataVersion(9, 4),
        "v-none": DataVersion(0, 0),
    }
