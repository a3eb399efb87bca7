"""The embedded Postgres behind ``make run``: a real server kept under DATA_DIR, so the demo runs
the same schema and constraints as production. From the pgserver wheel where it exists, else
from the Postgres found on PATH (app/db/path_postgres.py)."""

from __future__ import annotations

import asyncio
import importlib.util
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.db.path_postgres import PathCluster, find_bindir
from app.settings import Settings, SettingsError

NO_DATABASE = (
    "no database: set DATABASE_URL to a Postgres 15+ URL (or SUPABASE_URL and "
    "SUPABASE_SERVICE_KEY). The embedded Postgres of `make run` is not available here: its "
    "wheel (pgserver) exists only for CPython 3.9-3.12 on x86-64 Linux and macOS (the Docker "
    "image leaves it out), and no initdb/pg_ctl is on PATH."
)


@dataclass(frozen=True)
class EmbeddedPostgres:
    uri: str
    _stop: Callable[[], None]

    async def stop(self) -> None:
        await asyncio.to_thread(self._stop)


def check_embedded_available(settings: Settings) -> None:
    """Refuse to start, in one sentence, when the settings need the embedded Postgres and this
    machine has none (an image, or Python 3.13+ / ARM Linux without Postgres installed)."""
    needs_embedded = settings.database_url is None and settings.supabase_url is None
    if needs_embedded and not _has_pgserver() and find_bindir() is None:
        raise SettingsError(NO_DATABASE)


async def start_embedded_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Start (or reuse) the server under ``data_dir``."""
    return await asyncio.to_thread(_start, data_dir)


def _start(data_dir: Path) -> EmbeddedPostgres:
    if _has_pgserver():
        return _start_pgserver(data_dir / "postgres")
    bindir = find_bindir()
    if bindir is None:
        raise SettingsError(NO_DATABASE)
    # Its own folder: a cluster pgserver made may be of another major version.
    cluster = PathCluster(bindir, data_dir / "postgres-local")
    return EmbeddedPostgres(uri=cluster.start(), _stop=cluster.stop)


def _has_pgserver() -> bool:
    return importlib.util.find_spec("pgserver") is not None


def _start_pgserver(pgdata: Path) -> EmbeddedPostgres:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        from pgserver.postgres_server import get_server  # noqa: PLC0415 - only the demo needs it

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = get_server(pgdata, cleanup_mode=None)
    # pgserver's own exit hook does not reliably stop the server, so we stop it ourselves.
    return EmbeddedPostgres(uri=str(server.get_uri()), _stop=lambda: _stop_pgserver(server))


def _stop_pgserver(server: Any) -> None:
    # unused-ignore: where pgserver is not installed (Python 3.13+, ARM Linux) it is Any.
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined, unused-ignore]  # noqa: PLC0415

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
