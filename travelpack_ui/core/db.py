"""The database: engines, sessions, migrations, and the one writer.

SQLite takes one writer at a time, so writes go through `Database.write()`, which begins with `BEGIN IMMEDIATE`
(the write lock is taken up front, never upgraded mid-transaction). Readers use plain sessions. On PostgreSQL the
same code runs; the op path additionally locks the list row so concurrent processes serialise per list.
"""
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parents[2] / 'migrations'


MIGRATION_LOCK = 0x7470_0001  # advisory lock keys of TravelPack ('tp' + a number), one per kind of work
PURGE_LOCK = 0x7470_0002
SQLITE_FULL = 13
RESOURCES = '53'  # PostgreSQL's "insufficient resources" class: 53100 disk full, 53200 out of memory, 53300 ...


def cannot_write(error: BaseException | None) -> bool:
    """The database refused for want of room (SQLite's SQLITE_FULL, PostgreSQL's class 53): a 503, not a bug.

    The whole chain counts: SQLite may roll the transaction back by itself on SQLITE_FULL, and then what surfaces
    is SQLAlchemy failing to roll back to its savepoint ("no such savepoint"), with the full disk as its context.
    """
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DBAPIError) and _full(error.orig):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _full(original: BaseException | None) -> bool:
    if getattr(original, 'sqlite_errorcode', None) == SQLITE_FULL or 'database or disk is full' in str(original):
        return True
    sqlstate = getattr(original, 'sqlstate', None) or getattr(original, 'pgcode', None)
    return isinstance(sqlstate, str) and sqlstate.startswith(RESOURCES)


class Database:
    """Owns the engines; `read()` and `write()` hand out sessions that never expire their objects on commit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == 'sqlite'
        if self.is_sqlite:
            database = make_url(url).database
            if database and database != ':memory:':
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.reader = self._sqlite_engine(url, immediate=False)
            self.writer = self._sqlite_engine(url, immediate=True)
        else:
            self.reader = self.writer = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (run on every start; a no-op when current).

        Several processes may start together on one PostgreSQL database: a session-level advisory lock, held on a
        connection of its own around the upgrade, makes the others wait and then find the schema current. SQLite
        is one process (see single_process.py), so it needs no lock.
        """
        if self.is_sqlite:
            self._upgrade()
            return
        with self.writer.connect() as connection:
            connection.execute(text('SELECT pg_advisory_lock(:key)'), {'key': MIGRATION_LOCK})
            try:
                self._upgrade()
            finally:
                connection.execute(text('SELECT pg_advisory_unlock(:key)'), {'key': MIGRATION_LOCK})
                connection.commit()

    def try_job_lock(self, session: Session, key: int) -> bool:
        """In a write transaction: True if this process may run the periodic job `key` now.

        On PostgreSQL a transaction-level advisory lock (released at commit) lets one process run it while the
        others skip; SQLite is one process, so it always may.
        """
        if self.is_sqlite:
            return True
        return bool(session.execute(text('SELECT pg_try_advisory_xact_lock(:key)'), {'key': key}).scalar())

    def _upgrade(self) -> None:
        config = Config()
        config.set_main_option('script_location', str(MIGRATIONS))
        config.set_main_option('sqlalchemy.url', self.url.replace('%', '%%'))
        config.attributes['configure_logger'] = False
        command.upgrade(config, 'head')

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.reader, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that commits on success and rolls back on any error."""
        with Session(self.writer, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()

    @staticmethod
    def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
        engine = create_engine(url, connect_args={'check_same_thread': False, 'timeout': 30})

        @event.listens_for(engine, 'connect')
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (pysqlite's own is unreliable)
            cursor = dbapi_connection.cursor()
            cursor.execute('PRAGMA foreign_keys=ON')
            cursor.execute('PRAGMA journal_mode=WAL')
            cursor.execute('PRAGMA synchronous=NORMAL')
            cursor.execute('PRAGMA busy_timeout=30000')
            cursor.close()

        @event.listens_for(engine, 'begin')
        def _on_begin(connection: Connection) -> None:
            connection.exec_driver_sql('BEGIN IMMEDIATE' if immediate else 'BEGIN')

        return engine
