"""SQLite stays one process: an OS lock on a file next to the database, held for the life of the process.

Rooms, presence and the in-process change events only see what this process writes, so a second process on the
same SQLite file would serve stale lists without knowing it. `fcntl.flock` (not a pid file) is released by the
kernel when the holder dies, so a process killed with `kill -9` never blocks the restart.
"""
import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class AlreadyServed(SystemExit):
    """Another process holds the SQLite file: exit non-zero with a sentence naming it, before listening."""


class SingleProcessLock:
    """Holds `<database>.lock` with an exclusive, non-blocking flock until `release` (or the process ends)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + '.lock')
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            message = (f'Another TravelPack process is already serving the SQLite database {self.database} '
                       f'(it holds {self.path}). SQLite is single-process; use PostgreSQL to run several.')
            raise AlreadyServed(message) from None
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the last descriptor drops the flock
            self.fd = None


def hold_sqlite_lock(database_url: str) -> SingleProcessLock | None:
    """Take the lock when `database_url` is a SQLite file; None for PostgreSQL or an in-memory database."""
    url = make_url(database_url)
    if url.get_backend_name() != 'sqlite' or not url.database or url.database == ':memory:':
        return None
    lock = SingleProcessLock(Path(url.database).resolve())
    lock.acquire()
    return lock
