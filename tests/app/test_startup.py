"""``python -m app`` as ``make run`` starts it: one server per data folder, and a clear sentence
when no database can be had."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.settings import PROJECT_ROOT
from tests.fakes.serving import free_port

# ``python -m app`` as it runs where the pgserver wheel does not exist.
WITHOUT_PGSERVER = (
    "import runpy, sys; sys.modules['pgserver'] = None; "
    "runpy.run_module('app', run_name='__main__')"
)
CONFIGURED = ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_SERVICE_KEY", "REDIS_URL", "RETELL_API_KEY")


def demo_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment `make run` gives the server: nothing configured but the demo flags."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURED and "GOOGLE" not in k}
    env |= {"DATA_DIR": str(data_dir), "PORT": str(port), "ALLOW_UNSIGNED_WEBHOOKS": "true"}
    env |= {"LOG_FORMAT": "json", **extra}
    return env


@contextmanager
def serving_demo(
    env: dict[str, str], argv: tuple[str, ...] = ("-m", "app")
) -> Iterator[subprocess.Popen[bytes]]:
    log = Path(env["DATA_DIR"]).with_name(f"server-{env['PORT']}.log")
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [sys.executable, *argv], env=env, cwd=PROJECT_ROOT, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{env['PORT']}/health/ready"
    try:
        deadline = time.monotonic() + 90  # a first embedded Postgres runs initdb
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert server.poll() is None, log.read_text()
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_second_server_on_the_same_data_folder_stops_and_leaves_the_first_serving(
    tmp_path: Path, database_url: str
) -> None:
    """The second names the first's PID and exits before touching the embedded Postgres."""
    data_dir = tmp_path / "data"
    # The embedded Postgres where this install has one (the case that used to break).
    database = {} if importlib.util.find_spec("pgserver") else {"DATABASE_URL": database_url}
    first_port = free_port()
    with serving_demo(demo_env(data_dir, first_port, **database)) as first:
        second = subprocess.run(
            [sys.executable, "-m", "app"],
            env=demo_env(data_dir, free_port(), **database),
            cwd=PROJECT_ROOT,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 2
        assert f"is in use by PID {first.pid}" in second.stderr.decode()
        assert str(data_dir) in second.stderr.decode()
        ready = httpx.get(f"http://127.0.0.1:{first_port}/health/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        assert first.poll() is None


def test_the_data_folder_is_free_again_once_its_server_has_stopped(
    tmp_path: Path, database_url: str
) -> None:
    env = demo_env(tmp_path / "data", free_port(), DATABASE_URL=database_url)
    with serving_demo(env):
        pass
    with serving_demo(env) as again:
        assert again.poll() is None


def test_without_a_database_or_an_embedded_postgres_start_up_says_to_set_database_url(
    tmp_path: Path,
) -> None:
    """As in the Docker image, which leaves pgserver out and has no Postgres on PATH."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", WITHOUT_PGSERVER],
        env=demo_env(tmp_path / "data", free_port(), PATH=str(tmp_path)),
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.startswith("frontdesk: cannot start: no database: set DATABASE_URL"), stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "data").exists()  # refused before touching anything
