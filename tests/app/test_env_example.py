"""``.env.example`` documents every variable the settings read."""

from __future__ import annotations

import inspect
import re

from app.settings import PROJECT_ROOT, Settings


def test_env_example_names_every_variable_the_settings_read() -> None:
    read = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', inspect.getsource(Settings.from_env)))
    example = (PROJECT_ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^# ([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert len(read) > 20  # the pattern still finds the settings
    assert sorted(read - documented) == []
