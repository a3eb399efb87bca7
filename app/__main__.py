"""``python -m app``: serve with the settings in the environment."""

from __future__ import annotations

import asyncio
import sys

import uvicorn

from agent_tools.errors import ConfigError
from app.data_lock import lock_data_dir, uses_data_dir
from app.db.embedded import check_embedded_available
from app.factory import create_app
from app.limits import MAX_HEADER_BYTES
from app.logging import configure_logging
from app.settings import Settings, SettingsError
from app.startup import StartupError, wait_for_database


def main() -> None:
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_format, settings.log_level, final=True)
        check_embedded_available(settings)
        application = create_app(settings)
        if settings.database_url:
            asyncio.run(wait_for_database(settings.database_url, settings.database_wait_seconds))
        # Held until the process exits: a second server on this folder stops here.
        data_lock = lock_data_dir(settings.data_dir) if uses_data_dir(settings) else None
    except (SettingsError, ConfigError, StartupError) as exc:
        sys.stderr.write(f"frontdesk: cannot start: {exc}\n")
        raise SystemExit(2) from None
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_config=None,  # uvicorn's loggers go through app.logging like every other
        log_level="warning",
        access_log=False,
        server_header=False,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )
    if data_lock is not None:
        data_lock.release()


if __name__ == "__main__":
    main()
