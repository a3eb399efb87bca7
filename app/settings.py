"""Every setting, read once from the environment into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = PROJECT_ROOT / ".data"
    business_config: Path = PROJECT_ROOT / "config" / "demo-business.toml"
    migrations_dir: Path = PROJECT_ROOT / "supabase" / "migrations"
    database_url: str | None = field(default=None, repr=False)  # None: embedded Postgres
    retell_api_key: str | None = field(default=None, repr=False)
    allow_unsigned_webhooks: bool = False
    signature_tolerance_ms: int = 5 * 60 * 1000
    log_format: str = "auto"  # auto | json | console
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        settings = cls(
            host=env.get("HOST", defaults.host),
            port=_int(env, "PORT", defaults.port),
            data_dir=_path(env, "DATA_DIR", defaults.data_dir),
            business_config=_path(env, "BUSINESS_CONFIG", defaults.business_config),
            migrations_dir=_path(env, "MIGRATIONS_DIR", defaults.migrations_dir),
            database_url=env.get("DATABASE_URL") or None,
            retell_api_key=env.get("RETELL_API_KEY") or None,
            allow_unsigned_webhooks=_bool(env, "ALLOW_UNSIGNED_WEBHOOKS"),
            log_format=env.get("LOG_FORMAT", defaults.log_format).lower(),
            log_level=env.get("LOG_LEVEL", defaults.log_level).lower(),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if not self.retell_api_key and not self.allow_unsigned_webhooks:
            raise SettingsError(
                "RETELL_API_KEY is not set: set it to verify Retell's signatures, or set "
                "ALLOW_UNSIGNED_WEBHOOKS=true to accept unsigned tool calls (local demo only)."
            )
        if self.log_format not in ("auto", "json", "console"):
            raise SettingsError("LOG_FORMAT: use auto, json or console")
        if self.log_level not in ("debug", "info", "warning", "error"):
            raise SettingsError("LOG_LEVEL: use debug, info, warning or error")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from None


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name}: expected true or false, got {raw!r}")


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name)
    return Path(raw).expanduser().resolve() if raw else default
