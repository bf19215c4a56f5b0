"""The background scheduler: every `scheduler_interval_s` it refreshes the last-seen marks of open lists, queues
due digests and reminders into the outbox and drains it. Work is claimed in the database (row locks with SKIP
LOCKED on PostgreSQL, the one writer on SQLite), so several processes on one database do each thing once.
"""
import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from models import utcnow
from travelpack_ui.core.db import Database
from travelpack_ui.core.mailer import Mailer
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.tokens import LinkSigner
from travelpack_ui.core.writer import Writer
from travelpack_ui.live.rooms import Rooms
from travelpack_ui.notify.digests import Digests
from travelpack_ui.notify.outbox import Outbox
from travelpack_ui.notify.prefs import Prefs
from travelpack_ui.notify.reminders import Reminders
from travelpack_ui.notify.seen import SeenMarks

log = logging.getLogger(__name__)


class Notify:
    """Mail for people who are away: the parts, and the loop that runs them."""

    def __init__(self, settings: Settings, db: Database, writer: Writer, mailer: Mailer, rooms: Rooms,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.rooms = rooms
        self.seen = SeenMarks(writer, clock)
        self.prefs = Prefs(db, writer, LinkSigner(settings.signing_keys()), settings.base_url)
        self.digests = Digests(settings, db, writer, self.prefs, clock)
        self.reminders = Reminders(settings, db, writer, self.prefs, clock)
        self.outbox = Outbox(settings, writer, mailer, clock)
        self.stopped = asyncio.Event()
        self.finished = asyncio.Event()

    async def run(self) -> None:
        """Until `stop()`: one pass, then sleep an interval. A failed pass is logged and the next one tries again."""
        try:
            while not self.stopped.is_set():
                try:
                    await self.run_once()
                except Exception:  # a background loop must outlive one bad pass (database restarting, a bug)
                    if self.stopped.is_set():  # shutting down: the writer closed under the pass
                        log.info('Scheduler pass cut short by shutdown')
                        break
                    log.exception('Scheduler pass failed; trying again in %s s', self.settings.scheduler_interval_s)
                try:
                    await asyncio.wait_for(self.stopped.wait(), timeout=self.settings.scheduler_interval_s)
                except TimeoutError:
                    pass
        finally:
            self.finished.set()

    async def run_once(self) -> None:
        await self.seen.touch_open(self.rooms)
        await self.digests.queue_due()
        await self.reminders.queue_due()
        await self.outbox.drain()

    def stop(self) -> None:
        self.stopped.set()

    async def halt(self) -> None:
        """Stop the loop and wait until its current pass is over (tests drive passes themselves then)."""
        self.stop()
        await self.finished.wait()
