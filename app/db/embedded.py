"""The embedded Postgres behind ``make run``: a real server from the pgserver wheel, kept
under DATA_DIR, so the demo runs the same schema and constraints as production."""

from __future__ import annotations

import asyncio
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class EmbeddedPostgres:
    uri: str
    _server: Any

    async def stop(self) -> None:
        # pgserver's own exit hook does not reliably stop the server, so we stop it ourselves.
        await asyncio.to_thread(_stop, self._server)


async def start_embedded_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Start (or reuse) the server under ``data_dir/postgres``."""
    return await asyncio.to_thread(_start, data_dir / "postgres")


def _start(pgdata: Path) -> EmbeddedPostgres:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        from pgserver.postgres_server import get_server  # noqa: PLC0415 - only the demo needs it

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = get_server(pgdata, cleanup_mode=None)
    return EmbeddedPostgres(uri=str(server.get_uri()), _server=server)


def _stop(server: Any) -> None:
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # noqa: PLC0415

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
