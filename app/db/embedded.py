"""The embedded Postgres behind ``make run``: a real server from the pgserver wheel, kept
under DATA_DIR, so the demo runs the same schema and constraints as production."""

from __future__ import annotations

import asyncio
import importlib.util
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.settings import Settings, SettingsError

NO_DATABASE = (
    "no database: set DATABASE_URL to a Postgres 15+ URL (or SUPABASE_URL and "
    "SUPABASE_SERVICE_KEY). The embedded Postgres of `make run` is not installed here: its "
    "wheel (pgserver) exists only for CPython 3.9-3.12 on x86-64 Linux and macOS, and the "
    "Docker image leaves it out."
)


def check_embedded_available(settings: Settings) -> None:
    """Refuse to start, in one sentence, when the settings need the embedded Postgres and this
    install has none (an image, an ARM Linux machine, Python 3.13+)."""
    needs_embedded = settings.database_url is None and settings.supabase_url is None
    if needs_embedded and importlib.util.find_spec("pgserver") is None:
        raise SettingsError(NO_DATABASE)


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
    # unused-ignore: where pgserver is not installed (Python 3.13+, ARM Linux) it is Any.
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined, unused-ignore]  # noqa: PLC0415

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
