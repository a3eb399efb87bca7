"""The embedded Postgres behind ``make run``: a real server from the pgserver wheel, kept
under DATA_DIR, so the demo runs the same schema and constraints as production."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path


async def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or reuse) the server under ``data_dir/postgres``; return its connection URI."""
    return await asyncio.to_thread(_start, data_dir / "postgres")


def _start(pgdata: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        from pgserver.postgres_server import get_server  # noqa: PLC0415 - only the demo needs it

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = get_server(pgdata, cleanup_mode="stop")
    return str(server.get_uri())
