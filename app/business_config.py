"""Loading the business's TOML file; the rules themselves live in agent_tools.business."""

from __future__ import annotations

import tomllib
from pathlib import Path

from agent_tools.business import Business, business_from_mapping
from agent_tools.errors import ConfigError


def load_business(path: Path) -> Business:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: business config not found (set BUSINESS_CONFIG)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return business_from_mapping(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
