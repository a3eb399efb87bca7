"""Where no pgserver wheel exists, the embedded Postgres is a cluster of the Postgres on PATH."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from app.db.path_postgres import PathCluster, find_bindir
from tests.app.test_startup import WITHOUT_PGSERVER, demo_env, serving_demo
from tests.fakes.serving import free_port

BINDIR = find_bindir()
pytestmark = pytest.mark.skipif(BINDIR is None, reason="no initdb/pg_ctl on PATH")


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A folder the ``postgres`` account can reach when the tests run as root."""
    directory = Path(tempfile.mkdtemp(prefix="frontdesk-pgpath-"))
    os.chmod(directory, 0o755)  # noqa: PTH101, S103 - as root, Postgres runs as another user
    yield directory
    shutil.rmtree(directory)


async def answers(uri: str) -> bool:
    try:
        connection = await asyncpg.connect(uri, timeout=5)
    except (OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


async def test_a_cluster_is_made_once_and_keeps_its_data_across_restarts(data_dir: Path) -> None:
    assert BINDIR is not None
    cluster = PathCluster(BINDIR, data_dir / "postgres-local")
    connection = await asyncpg.connect(cluster.start())
    await connection.execute("create table kept (n int); insert into kept values (7)")
    await connection.close()
    cluster.stop()
    assert not await answers(cluster.uri)

    connection = await asyncpg.connect(cluster.start())
    try:
        assert await connection.fetchval("select n from kept") == 7
    finally:
        await connection.close()
        cluster.stop()


async def test_the_app_serves_on_the_path_postgres_where_pgserver_is_missing(
    data_dir: Path,
) -> None:
    """And stops that Postgres when it stops."""
    assert BINDIR is not None
    env = demo_env(data_dir / "data", free_port())
    with serving_demo(env, ("-c", WITHOUT_PGSERVER)):
        cluster = PathCluster(BINDIR, data_dir / "data" / "postgres-local")
        assert await answers(cluster.uri)
        assert not (data_dir / "data" / "postgres").exists()  # not pgserver's folder
    assert not await answers(cluster.uri)
