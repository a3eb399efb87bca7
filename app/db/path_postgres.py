"""The embedded Postgres where no pgserver wheel exists (Python 3.13+, ARM Linux): a cluster of
the ``initdb``/``pg_ctl``/``postgres`` found on PATH, kept under DATA_DIR, listening only on a
Unix socket inside its own folder. Run as root, it runs as the ``postgres`` system user, since
Postgres refuses root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class PathPostgresError(RuntimeError):
    """The cluster could not be made or started; the message carries Postgres's own words."""


def find_bindir() -> Path | None:
    """The folder of the ``pg_ctl`` on PATH (symlinks resolved), if its siblings are there."""
    found = shutil.which("pg_ctl")
    if found is None:
        return None
    bindir = Path(found).resolve().parent
    tools = ("initdb", "pg_ctl", "postgres")
    return bindir if all((bindir / tool).is_file() for tool in tools) else None


@dataclass(frozen=True)
class PathCluster:
    bindir: Path
    pgdata: Path

    @property
    def uri(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.pgdata}"

    def start(self) -> str:
        """Make the cluster on first use, start it unless it runs; answers its URI."""
        if not (self.pgdata / "PG_VERSION").exists():
            self.pgdata.mkdir(parents=True, exist_ok=True)
            owner = _service_user()
            if owner is not None:
                os.chown(self.pgdata, owner.pw_uid, owner.pw_gid)
            self._run(
                "initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
        if self._pg_ctl("status").returncode != 0:  # 3: not running (a stale pid file is fine)
            options = f"-c listen_addresses='' -k {self.pgdata}"
            log = str(self.pgdata / "server.log")
            self._run("pg_ctl", "start", "-w", "-D", str(self.pgdata), "-l", log, "-o", options)
        return self.uri

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.pgdata))

    def _pg_ctl(self, command: str) -> subprocess.CompletedProcess[str]:
        return self._exec("pg_ctl", command, "-D", str(self.pgdata))

    def _run(self, tool: str, *args: str) -> None:
        done = self._exec(tool, *args)
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise PathPostgresError(f"{tool} failed: {said[-1] if said else done.returncode}")

    def _exec(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        owner = _service_user()
        return subprocess.run(  # noqa: S603 - Postgres's own tools, from PATH, with our arguments
            [str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            user=owner.pw_uid if owner else None,
            group=owner.pw_gid if owner else None,
            cwd=self.pgdata,
        )


def _service_user() -> pwd.struct_passwd | None:
    """None for a normal user; as root, the ``postgres`` account (Postgres refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PathPostgresError(
            "Postgres will not run as root and there is no 'postgres' user to run it as: "
            "set DATABASE_URL, or run as a normal user"
        ) from None
