"""One server per data folder: the embedded Postgres and the local calendar under DATA_DIR
belong to the process that holds ``DATA_DIR/frontdesk.lock``, and a second one stops before
touching them (it would otherwise stop the first one's Postgres on its way out)."""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from app.settings import Settings, SettingsError


class DataDirInUse(SettingsError):
    """Another live process holds the data folder."""


@dataclass(frozen=True)
class DataDirLock:
    path: Path
    _fd: int

    def release(self) -> None:
        os.close(self._fd)  # closing the descriptor drops the lock


def uses_data_dir(settings: Settings) -> bool:
    """The embedded Postgres (no database configured) or the local calendar (no Google)."""
    embedded = settings.database_url is None and settings.supabase_url is None
    return embedded or not settings.google_calendar_ids


def lock_data_dir(data_dir: Path) -> DataDirLock:
    """Hold ``data_dir`` for this process's life; the kernel releases it if the process dies.

    Raises DataDirInUse naming the holder's PID when another process has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "frontdesk.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise DataDirInUse(
            f"{_shown(data_dir)} is in use by PID {holder} (another `make run`?): stop it, "
            "or give this one its own DATA_DIR"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return DataDirLock(path, fd)


def _shown(path: Path) -> str:
    """``.data/`` for the project's own folder, the full path elsewhere."""
    try:
        return f"{path.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{path}/"
