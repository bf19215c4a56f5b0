"""The one writer: every write of this process runs here, in commit order.

SQLite takes one writer at a time, and publishing must follow commit order, so writes are serialised by one lock
and run on one dedicated thread (the event loop never blocks on the database).
"""
import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from travelpack_ui.core.db import Database, cannot_write
from travelpack_ui.core.errors import Unavailable

T = TypeVar('T')
log = logging.getLogger(__name__)


class Writer:
    """Serialises every write of this process and keeps publishing in commit order.

    Writes run on one dedicated thread (one writer), so the event loop never blocks on the database. A caller that
    is cancelled mid-write (a tab closing) does not cancel the write: it is shielded, so whatever commits is also
    published.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.lock = asyncio.Lock()
        self.waiting = 0
        """Writes queued behind the one running: a long write (a replayed outbox) ends its slice early for them."""
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix='travelpack-writer')
        self.closed = False  # background work that finds it closed (shutting down) skips its write

    async def run(self, work: Callable[[Session], T], publish: Callable[[T], None] | None = None) -> T:
        """Run `work` in one write transaction, then `publish` its result, both under the lock."""
        return await asyncio.shield(self._run(work, publish))

    async def _run(self, work: Callable[[Session], T], publish: Callable[[T], None] | None) -> T:
        self.waiting += 1
        try:
            await self.lock.acquire()
        finally:
            self.waiting -= 1
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self.executor, self._transaction, work)
            if publish is not None:
                publish(result)
            return result
        finally:
            self.lock.release()

    def close(self) -> None:
        self.closed = True
        self.executor.shutdown(wait=True)

    def _transaction(self, work: Callable[[Session], T]) -> T:
        """A full disk rolls the whole transaction back and becomes `Unavailable` (503, or each op `rejected`)."""
        try:
            with self.db.write() as session:
                return work(session)
        except SQLAlchemyError as error:
            if cannot_write(error):
                log.warning('The database cannot write (%s); answering 503', error)
                raise Unavailable() from error
            raise
