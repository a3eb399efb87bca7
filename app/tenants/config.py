"""``BUSINESS_CONFIG`` as a set of businesses: one file (today's single business) or a directory
where every ``*.toml`` is one business.

Each file is validated on its own (app/business_config.py) and every message names the file
and the key; across files, ids, Retell agent ids and phone numbers must each belong to one
business only, so a call can never be routed to two.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_tools.business import Business
from agent_tools.errors import ConfigError
from agent_tools.phones import InvalidPhone, normalise
from app import config_fields as read
from app.business_config import business_from_mapping, read_toml

DEFAULT_CREDENTIALS_ENV = "GOOGLE_CREDENTIALS"
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,127}")


@dataclass(frozen=True, slots=True)
class TenantConfig:
    """One business and what the deployment needs to serve it."""

    business: Business
    source: Path
    agent_ids: tuple[str, ...] = ()
    phone_numbers: tuple[str, ...] = ()  # E.164
    credentials_env: str = DEFAULT_CREDENTIALS_ENV
    operator_key_env: str | None = None
    calendar_configured: bool = False  # ``[calendar] id`` given in the file


def load_tenants(path: Path) -> tuple[TenantConfig, ...]:
    """Every business ``path`` describes; :class:`ConfigError` naming the file and key."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.toml") if p.is_file())
        if not files:
            raise ConfigError(f"{path}: no *.toml business files in this directory")
        tenants = tuple(read_tenant(file, id_required=True) for file in files)
        _check_unique(tenants)
        return tenants
    return (read_tenant(path, id_required=False),)


def read_tenant(path: Path, *, id_required: bool) -> TenantConfig:
    data = read_toml(path)
    try:
        return _tenant(data, path, id_required=id_required)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _tenant(data: Mapping[str, Any], path: Path, *, id_required: bool) -> TenantConfig:
    section = data.get("business")
    if id_required and not (isinstance(section, Mapping) and "id" in section):
        raise ConfigError("business.id: required when BUSINESS_CONFIG is a directory")
    business = business_from_mapping(data)
    retell = read.table(data, "retell", required=False)
    calendar = read.table(data, "calendar", required=False)
    operator = read.table(data, "operator", required=False)
    return TenantConfig(
        business=business,
        source=path,
        agent_ids=read.strings(retell, "agent_ids", "retell.agent_ids"),
        phone_numbers=_numbers(retell, business.country),
        credentials_env=_env_name(calendar, "credentials_env", "calendar.credentials_env")
        or DEFAULT_CREDENTIALS_ENV,
        operator_key_env=_env_name(operator, "key_env", "operator.key_env"),
        calendar_configured="id" in calendar,
    )


def _numbers(retell: Mapping[str, Any], country: str | None) -> tuple[str, ...]:
    numbers = []
    for i, raw in enumerate(read.strings(retell, "phone_numbers", "retell.phone_numbers")):
        try:
            numbers.append(normalise(raw, country).e164)
        except InvalidPhone:
            raise ConfigError(
                f"retell.phone_numbers[{i}]: {raw!r} is not a whole phone number "
                "(E.164, like +14155550100)"
            ) from None
    return tuple(numbers)


def _env_name(table: Mapping[str, Any], key: str, path: str) -> str | None:
    name = read.optional_string(table, key, path)
    if name is not None and not _ENV_NAME.fullmatch(name):
        raise ConfigError(
            f"{path}: {name!r} is not an environment variable name (like GOOGLE_CREDENTIALS_ACME);"
            " the secret itself stays out of the file"
        )
    return name


def _check_unique(tenants: tuple[TenantConfig, ...]) -> None:
    """No id, agent, number or operator key variable in two files: the second file is named,
    with the key."""
    owners: dict[tuple[str, str], Path] = {}
    for tenant in tenants:
        claims = [("business.id", tenant.business.id)]
        claims += [(f"retell.agent_ids[{i}]", a) for i, a in enumerate(tenant.agent_ids)]
        claims += [(f"retell.phone_numbers[{i}]", n) for i, n in enumerate(tenant.phone_numbers)]
        if tenant.operator_key_env:  # one key, one business: else it would see only the first
            claims.append(("operator.key_env", tenant.operator_key_env))
        for key, value in claims:
            kind = key.split("[")[0]
            first = owners.setdefault((kind, value), tenant.source)
            if first != tenant.source:
                raise ConfigError(f"{tenant.source}: {key}: {value!r} is already in {first.name}")
