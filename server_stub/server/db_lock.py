"""One server per database file: an exclusive lock on `<db>.lock`, naming its holder.

The lock is an OS file lock (`flock` on POSIX, `msvcrt.locking` on Windows), so it goes
when its process does, a SIGKILL included: nothing stale is ever left to clean up. The
file holds who has it (pid, host, where it serves, since when), so that a second server
can say whom it lost to.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import IO

if sys.platform == "win32":  # pragma: no cover
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


class DatabaseInUseError(RuntimeError):
    """Another process holds the database."""


class DatabaseLock:
    """Held from `acquire()` until `release()` (or the process ends)."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self.path = self.db_path.with_name(self.db_path.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self, serving: str | None = None) -> None:
        """Take the lock or raise `DatabaseInUseError` naming the file and its holder."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+", encoding="utf-8")
        try:
            _lock(handle)
        except OSError:
            holder = _describe(handle.read())
            handle.close()
            raise DatabaseInUseError(
                f"{self.db_path} is in use by another server ({holder}): stop that one "
                "first, or give this one another --db"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "serving": serving,
                    "since": time.strftime("%Y-%m-%d %H:%M:%S"),
                }
            )
        )
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the lock
            self._file = None


def _describe(text: str) -> str:
    try:
        holder = json.loads(text)
    except ValueError:
        return "holder unknown"
    parts = [f"pid {holder.get('pid')} on {holder.get('host')}"]
    if holder.get("serving"):
        parts.append(f"serving {holder['serving']}")
    if holder.get("since"):
        parts.append(f"since {holder['since']}")
    return ", ".join(parts)
