"""`make check-config`: a good config is printed as the server reads it; a bad one is refused
in one line naming the key, with exit code 2."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog

from agent_tools.errors import ConfigError
from app.check_config import check
from app.factory import create_app
from app.settings import Settings
from tests.conftest import FIXTURES

DEMO = Path(__file__).parents[2] / "config" / "demo-business.toml"
NOW = datetime(2027, 3, 10, tzinfo=UTC)


def test_the_demo_is_printed_as_a_person_reads_it() -> None:
    code, text = check(DEMO, NOW)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].endswith("demo-business.toml: OK")
    assert "Hours: Monday 9 AM to noon and 1 to 5 PM; Tuesday and Wednesday 9 AM to 5 PM;" in text
    assert "  - Cleaning: an hour (keeps 10 minutes after free), $120; also called" in text
    assert "Closed: Friday, December 25, 2026" in lines
    assert "Special hours: Thursday, December 24, 2026, 9 AM to noon" in lines
    lena = "  - Lena Ruiz (lena-ruiz): Cleaning and Checkup; calendar lena@brightsmile.example"
    assert lena in lines
    assert "Room: Whitening suite x1, needed for Whitening" in lines
    assert not any(line.startswith("Warning") for line in lines)


def test_a_misspelt_key_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        DEMO.read_text(encoding="utf-8").replace("min_notice_minutes", "min_notice"),
        encoding="utf-8",
    )
    code, text = check(bad, NOW)
    assert code == 2
    assert text.count("\n") == 1
    assert "unknown key `booking.min_notice` (did you mean `min_notice_minutes`?)" in text
    with pytest.raises(ConfigError, match=r"unknown key `booking\.min_notice`"):
        create_app(Settings(business_config=bad, allow_unsigned_webhooks=True))


def test_a_zone_without_daylight_saving_is_warned_about(tmp_path: Path) -> None:
    fixed = tmp_path / "gmt.toml"
    fixed.write_text(
        (FIXTURES / "london.toml").read_text(encoding="utf-8").replace("Europe/London", "GMT"),
        encoding="utf-8",
    )
    code, text = check(fixed, NOW)
    assert code == 0
    assert text.splitlines()[-1].startswith("Warning: business.timezone: 'GMT' never changes")
    with structlog.testing.capture_logs() as logs:
        create_app(Settings(business_config=fixed, allow_unsigned_webhooks=True), clock=lambda: NOW)
    assert [e["event"] for e in logs] == ["config.timezone_without_dst"]
    assert "Europe/London" in logs[0]["detail"]
