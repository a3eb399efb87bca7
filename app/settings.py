"""Every setting, read once from the environment into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from app.rate_limit import trusted_networks

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
    # "transaction" behind a transaction-mode pooler (Supabase port 6543): no prepared statements
    database_pool_mode: str = "auto"
    database_pool_max: int = 10  # connections per instance (plus one listening for changes)
    database_wait_seconds: int = 30  # how long a start waits for the database to answer
    supabase_url: str | None = None
    supabase_service_key: str | None = field(default=None, repr=False)
    redis_url: str | None = field(default=None, repr=False)  # None: in-process idempotency
    idempotency_ttl_seconds: int = 24 * 3600
    # Outlives Retell's per-attempt tool timeout (120 s by default) with room to spare.
    idempotency_inflight_seconds: int = 10
    idempotency_wait_seconds: float = 8.0
    reconcile_every_seconds: float = 30.0
    reconcile_grace_seconds: int = 60
    outbox_every_seconds: float = 1.0  # how often each instance looks for due sends
    # Google Calendar: the first id receives bookings, every one counts as busy.
    google_calendar_ids: tuple[str, ...] = ()
    google_credentials: str | None = field(default=None, repr=False)
    google_impersonate: str | None = None
    google_api_base_url: str = "https://www.googleapis.com/"
    google_deadline_seconds: float = 4.0
    google_poll_seconds: float = 60.0
    google_mirror_fresh_seconds: int = 180
    google_channel_ttl_seconds: int = 7 * 24 * 3600
    public_base_url: str | None = None
    operator_api_key: str | None = field(default=None, repr=False)
    rate_limit_per_minute: int = 1200  # per source address; Retell calls from one address
    # Requests failing authentication spend their own, smaller budget (app/rate_limit.py).
    refused_limit_per_minute: int = 120
    # Peers whose Fly-Client-IP / X-Forwarded-For is believed (Fly's proxy: its private range).
    trusted_proxies: tuple[str, ...] = ()
    metrics_token: str | None = field(default=None, repr=False)  # None: /metrics is open
    # Texts through Twilio (docs/messages.md); unset: what would be texted is logged.
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = field(default=None, repr=False)
    twilio_from_number: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    # Email through SMTP (docs/messages.md); unset: what would be emailed is logged.
    smtp_url: str | None = field(default=None, repr=False)  # may hold a password
    email_from: str | None = None
    # A client that stalls this long mid-body gets 408 (app/limits.py).
    body_timeout_seconds: float = 10.0
    # Open connections one instance accepts; past it, 503 (Fly's soft/hard limits sit below).
    max_connections: int = 1000
    # On SIGTERM, in-flight requests get this long to finish; stragglers are then cut.
    shutdown_grace_seconds: int = 5
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
            database_pool_mode=env.get("DATABASE_POOL_MODE", defaults.database_pool_mode).lower(),
            database_pool_max=_int(env, "DATABASE_POOL_MAX", defaults.database_pool_max),
            database_wait_seconds=_int(
                env, "DATABASE_WAIT_SECONDS", defaults.database_wait_seconds
            ),
            supabase_url=env.get("SUPABASE_URL") or None,
            supabase_service_key=env.get("SUPABASE_SERVICE_KEY") or None,
            redis_url=env.get("REDIS_URL") or None,
            idempotency_ttl_seconds=_int(
                env, "IDEMPOTENCY_TTL_SECONDS", defaults.idempotency_ttl_seconds
            ),
            idempotency_inflight_seconds=_int(
                env, "IDEMPOTENCY_INFLIGHT_SECONDS", defaults.idempotency_inflight_seconds
            ),
            reconcile_every_seconds=_int(
                env, "RECONCILE_EVERY_SECONDS", int(defaults.reconcile_every_seconds)
            ),
            reconcile_grace_seconds=_int(
                env, "RECONCILE_GRACE_SECONDS", defaults.reconcile_grace_seconds
            ),
            outbox_every_seconds=_int(
                env, "OUTBOX_EVERY_SECONDS", int(defaults.outbox_every_seconds)
            ),
            google_calendar_ids=tuple(
                c.strip() for c in env.get("GOOGLE_CALENDAR_ID", "").split(",") if c.strip()
            ),
            google_credentials=env.get("GOOGLE_CREDENTIALS") or None,
            google_impersonate=env.get("GOOGLE_IMPERSONATE") or None,
            google_api_base_url=env.get("GOOGLE_API_BASE_URL", defaults.google_api_base_url),
            google_poll_seconds=_int(env, "GOOGLE_POLL_SECONDS", int(defaults.google_poll_seconds)),
            google_mirror_fresh_seconds=_int(
                env, "GOOGLE_MIRROR_FRESH_SECONDS", defaults.google_mirror_fresh_seconds
            ),
            public_base_url=env.get("PUBLIC_BASE_URL") or None,
            operator_api_key=env.get("OPERATOR_API_KEY") or None,
            rate_limit_per_minute=_int(
                env, "RATE_LIMIT_PER_MINUTE", defaults.rate_limit_per_minute
            ),
            refused_limit_per_minute=_int(
                env, "REFUSED_LIMIT_PER_MINUTE", defaults.refused_limit_per_minute
            ),
            trusted_proxies=tuple(
                p.strip() for p in env.get("TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
            metrics_token=env.get("METRICS_TOKEN") or None,
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
            twilio_from_number=env.get("TWILIO_FROM_NUMBER") or None,
            twilio_api_base_url=env.get("TWILIO_API_BASE_URL", defaults.twilio_api_base_url),
            smtp_url=env.get("SMTP_URL") or None,
            email_from=env.get("EMAIL_FROM") or None,
            body_timeout_seconds=_int(
                env, "BODY_TIMEOUT_SECONDS", int(defaults.body_timeout_seconds)
            ),
            max_connections=_int(env, "MAX_CONNECTIONS", defaults.max_connections),
            shutdown_grace_seconds=_int(
                env, "SHUTDOWN_GRACE_SECONDS", defaults.shutdown_grace_seconds
            ),
            retell_api_key=env.get("RETELL_API_KEY") or None,
            allow_unsigned_webhooks=_bool(env, "ALLOW_UNSIGNED_WEBHOOKS"),
            log_format=env.get("LOG_FORMAT", defaults.log_format).lower(),
            log_level=env.get("LOG_LEVEL", defaults.log_level).lower(),
        )
        settings.validate()
        return settings

    def _validate_senders(self) -> None:
        """Texts and emails (docs/messages.md): all of Twilio's three or none; an SMTP URL."""
        twilio = (self.twilio_account_sid, self.twilio_auth_token, self.twilio_from_number)
        if any(twilio) and not all(twilio):
            raise SettingsError(
                "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER go together"
            )
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            raise SettingsError("SMTP_URL: use smtp://user:pass@host:port or smtps://...")

    @property
    def statement_cache(self) -> bool:
        if self.database_pool_mode == "auto":
            return ":6543" not in (self.database_url or "")
        return self.database_pool_mode == "session"

    def validate(self) -> None:
        self._validate_senders()
        if not self.retell_api_key and not self.allow_unsigned_webhooks:
            raise SettingsError(
                "RETELL_API_KEY is not set: set it to verify Retell's signatures, or set "
                "ALLOW_UNSIGNED_WEBHOOKS=true to accept unsigned tool calls (local demo only)."
            )
        if self.google_calendar_ids and not self.google_credentials:
            raise SettingsError("GOOGLE_CALENDAR_ID needs GOOGLE_CREDENTIALS (a key file or JSON)")
        if self.public_base_url:
            try:
                checked_public_url(self.public_base_url)
            except ValueError as error:
                raise SettingsError(str(error)) from None
        if bool(self.supabase_url) != bool(self.supabase_service_key):
            raise SettingsError("SUPABASE_URL and SUPABASE_SERVICE_KEY go together")
        if not 2 <= self.database_pool_max <= 100:
            raise SettingsError("DATABASE_POOL_MAX: use 2 to 100 connections")
        if self.database_pool_mode not in ("auto", "session", "transaction"):
            raise SettingsError("DATABASE_POOL_MODE: use auto, session or transaction")
        if not 6 <= self.idempotency_inflight_seconds <= 120:
            # The holder renews its lease every 2 s: the lease must outlast a few renewals.
            raise SettingsError("IDEMPOTENCY_INFLIGHT_SECONDS: use 6 to 120 (a renewed lease)")
        try:
            trusted_networks(self.trusted_proxies)
        except ValueError as error:
            raise SettingsError(f"TRUSTED_PROXIES: {error}") from None
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


def checked_public_url(url: str) -> str:
    """HTTPS, or plain HTTP on a loopback address (tests)."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    if parsed.scheme == "https" or (parsed.scheme == "http" and loopback):
        return url
    raise ValueError("PUBLIC_BASE_URL must be https:// (http:// only on a loopback address)")


def named_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """A secret a business config names by its variable (``[calendar] credentials_env``,
    ``[operator] key_env``): the names live in the files, the values only in the environment."""
    value = (os.environ if env is None else env).get(name, "")
    return value or None
