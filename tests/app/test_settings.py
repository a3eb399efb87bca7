"""Settings come from the environment, and unsafe ones refuse to start."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings, SettingsError


def test_without_a_retell_key_unsigned_webhooks_must_be_allowed_explicitly() -> None:
    with pytest.raises(SettingsError, match="RETELL_API_KEY"):
        Settings.from_env({})
    assert Settings.from_env({"ALLOW_UNSIGNED_WEBHOOKS": "true"}).allow_unsigned_webhooks


def test_values_are_parsed_and_secrets_stay_out_of_repr(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "RETELL_API_KEY": "key_secret_value",
            "DATABASE_URL": "postgresql://user:hunter2@db/x",
            "PORT": "9001",
            "DATA_DIR": str(tmp_path),
        }
    )
    assert settings.port == 9001
    assert settings.data_dir == tmp_path
    assert "key_secret_value" not in repr(settings)
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [("PORT", "eighty"), ("ALLOW_UNSIGNED_WEBHOOKS", "maybe"), ("LOG_FORMAT", "xml")],
)
def test_malformed_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"RETELL_API_KEY": "k", name: value})
