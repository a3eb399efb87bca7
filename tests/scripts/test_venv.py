"""``scripts/venv.sh`` (what ``make`` runs first): an unsupported Python is refused in one line
that says which work and how to pick one, before anything is created."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from app.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "venv.sh"


def refusal(python: str, tmp_path: Path) -> str:
    result = subprocess.run(  # noqa: S603 - our own script
        [SCRIPT],
        env={**os.environ, "PYTHON": python, "VENV": str(tmp_path / "venv"), "UV_VERSION": "0"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert not (tmp_path / "venv").exists()
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "needs CPython 3.11 or newer" in lines[0]
    assert "make PYTHON=python3.12" in lines[0]
    return lines[0]


def test_an_old_python_is_refused_naming_its_version(tmp_path: Path) -> None:
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\n[ "$1" = -V ] && echo "Python 3.10.13" && exit 0\nexit 1\n')
    old.chmod(0o755)
    assert f"'{old}' is Python 3.10.13" in refusal(str(old), tmp_path)


def test_a_missing_python_is_refused_as_not_found(tmp_path: Path) -> None:
    assert "'python3.99' is not found" in refusal("python3.99", tmp_path)
