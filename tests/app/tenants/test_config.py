"""BUSINESS_CONFIG as a directory: each file one business, each error naming file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent_tools.errors import ConfigError
from app.settings import PROJECT_ROOT
from app.tenants.config import DEFAULT_CREDENTIALS_ENV, load_tenants
from tests.conftest import FIXTURES

DENTAL = (FIXTURES / "business.toml").read_text(encoding="utf-8")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_single_file_is_one_business_as_before_with_no_routing_keys(tmp_path: Path) -> None:
    (tenant,) = load_tenants(FIXTURES / "business.toml")
    assert tenant.business.id == "test-dental"
    assert (tenant.agent_ids, tenant.phone_numbers) == ((), ())
    assert tenant.credentials_env == DEFAULT_CREDENTIALS_ENV
    assert tenant.operator_key_env is None


def test_the_example_agency_directory_holds_two_businesses_in_different_zones() -> None:
    tenants = load_tenants(PROJECT_ROOT / "config" / "businesses")
    zones = {t.business.id: t.business.timezone.key for t in tenants}
    assert zones == {"acme-dental": "America/New_York", "harbour-physio": "Europe/London"}
    assert all(t.agent_ids and t.phone_numbers and t.operator_key_env for t in tenants)


def test_routing_keys_and_secret_names_are_read_with_numbers_in_e164(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.toml",
        DENTAL
        + '\n[retell]\nagent_ids = ["agent_a"]\nphone_numbers = ["(212) 555-0100"]\n'
        + '[operator]\nkey_env = "OPERATOR_KEY_A"\n',
    )
    (tenant,) = load_tenants(tmp_path)
    assert tenant.agent_ids == ("agent_a",)
    assert tenant.phone_numbers == ("+12125550100",)
    assert tenant.operator_key_env == "OPERATOR_KEY_A"


def test_in_a_directory_a_file_without_business_id_is_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    write(tmp_path, "nameless.toml", DENTAL.replace('id = "test-dental"\n', ""))
    with pytest.raises(ConfigError, match=r"nameless\.toml: business\.id: required"):
        load_tenants(tmp_path)


def test_an_unknown_key_in_one_file_names_that_file_and_the_key(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", DENTAL)
    write(
        tmp_path,
        "b.toml",
        DENTAL.replace("test-dental", "b") + '\n[retell]\nagent_id = ["x"]\n',
    )
    with pytest.raises(ConfigError, match=r"b\.toml: unknown key `retell\.agent_id`"):
        load_tenants(tmp_path)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("", "business.id"),
        ('\n[retell]\nagent_ids = ["agent_same"]\n', "retell.agent_ids[0]"),
        ('\n[retell]\nphone_numbers = ["+12125550100"]\n', "retell.phone_numbers[0]"),
        ('\n[operator]\nkey_env = "OPERATOR_KEY_SHARED"\n', "operator.key_env"),
    ],
)
def test_an_id_agent_or_number_claimed_by_two_files_is_refused(
    tmp_path: Path, extra: str, key: str
) -> None:
    write(tmp_path, "a.toml", DENTAL + extra)
    other = DENTAL if key == "business.id" else DENTAL.replace("test-dental", "other")
    write(tmp_path, "b.toml", other + extra)
    with pytest.raises(ConfigError, match=re.escape(f"b.toml: {key}") + r".*a\.toml"):
        load_tenants(tmp_path)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('\n[retell]\nphone_numbers = ["call us"]\n', "retell.phone_numbers[0]"),
        (
            '\n[calendar]\ncredentials_env = "{\\"type\\": \\"service_account\\"}"\n',
            "calendar.credentials_env",
        ),
        ('\n[operator]\nkey_env = "op_secret value"\n', "operator.key_env"),
    ],
)
def test_a_bad_number_or_a_secret_in_place_of_a_variable_name_is_refused(
    tmp_path: Path, extra: str, key: str
) -> None:
    write(tmp_path, "a.toml", DENTAL + extra)
    with pytest.raises(ConfigError, match=re.escape(f"a.toml: {key}")):
        load_tenants(tmp_path)


def test_a_directory_without_business_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape("no *.toml business files")):
        load_tenants(tmp_path)
