"""``python -m app``: serve with the settings in the environment."""

from __future__ import annotations

import asyncio
import sys

import uvicorn

from agent_tools.errors import ConfigError
from app.factory import create_app
from app.logging import configure_logging
from app.settings import Settings, SettingsError
from app.startup import StartupError, wait_for_database


def main() -> None:
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_format, settings.log_level)
        application = create_app(settings)
        if settings.database_url:
            asyncio.run(wait_for_database(settings.database_url, settings.database_wait_seconds))
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
    )


if __name__ == "__main__":
    main()
