"""The notification store: entries per person, read and marked read through the API and the bell.

Entries are written through the one writer, after the change they are about has committed (see `derive.py`), and
each write tells that person's open pages (`updates_for`) their new unread count, without a reload.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nicegui import Event
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from models import Notification, iso, utcnow
from models.notifications import KINDS, SUMMARY_MAX
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import Invalid
from travelpack_ui.core.writer import Writer

LIMIT_MAX = 100


@dataclass
class Entry:
    """A notification to make: for whom, what kind, about which list, in which words."""
    user_id: str
    kind: str
    summary: str
    list_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


Merge = Callable[[Notification, Entry], None]  # folds a new entry into an existing unread one (collapsing)


class Notifications:
    """Makes, lists and marks read a person's notifications; `updates_for(user_id)` follows their unread count."""

    def __init__(self, db: Database, writer: Writer) -> None:
        self.db = db
        self.writer = writer
        self._updates: dict[str, Event[int]] = {}
        self.counts_changed: Event[list[str]] = Event()
        """After commit: these people's notifications changed (other processes re-count them too)."""

    def updates_for(self, user_id: str) -> Event[int]:
        """This person's unread count after each change (their bells subscribe; NiceGUI unsubscribes a deleted page)."""
        self._forget_unheard()
        return self._updates.setdefault(user_id, Event())

    async def notify(self, user_id: str, kind: str, list_id: str | None, summary: str) -> None:
        """Make one notification (the scheduler's departure reminders come in here)."""
        await self.add([Entry(user_id=user_id, kind=kind, summary=summary, list_id=list_id)])

    async def add(self, entries: list[Entry], *, merge: Merge | None = None) -> None:
        """Write entries in one transaction; with `merge`, an entry folds into that person's unread entry of the
        same kind and list instead of adding one (what "collapsed per list" means)."""
        for entry in entries:
            if entry.kind not in KINDS:
                raise ValueError(f'unknown notification kind {entry.kind!r}')
        if not entries:
            return

        def work(session: Session) -> set[str]:
            for entry in entries:
                existing = self._unread_of(session, entry) if merge is not None else None
                if existing is not None and merge is not None:
                    merge(existing, entry)
                    existing.at = utcnow()
                    existing.summary = existing.summary[:SUMMARY_MAX]
                    session.add(existing)
                else:
                    session.add(Notification(user_id=entry.user_id, kind=entry.kind, list_id=entry.list_id,
                                             summary=entry.summary[:SUMMARY_MAX], details=entry.details))
            return {entry.user_id for entry in entries}
        touched = await self.writer.run(work)
        self._tell(touched)

    def page(self, user_id: str, *, unread: bool | None = None, limit: int = 50,
             before: int | None = None) -> dict[str, Any]:
        """Newest first: `{"unread": <count>, "items": [...]}`; `before` is the id of the last entry already seen."""
        if not 1 <= limit <= LIMIT_MAX:
            raise Invalid(f'limit: a whole number from 1 to {LIMIT_MAX}', code='invalid')
        with self.db.read() as session:
            query = select(Notification).where(Notification.user_id == user_id)
            if unread is not None:
                query = query.where(col(Notification.read).is_(not unread))
            if before is not None:
                query = query.where(col(Notification.id) < before)
            rows = session.exec(query.order_by(col(Notification.id).desc()).limit(limit)).all()
            count = self._unread_count(session, user_id)
        return {'unread': count, 'items': [public(row) for row in rows]}

    def unread_count(self, user_id: str) -> int:
        with self.db.read() as session:
            return self._unread_count(session, user_id)

    async def mark_read(self, user_id: str, *, ids: Iterable[int] | None = None, everything: bool = False) -> None:
        """Mark some (only the caller's own: others' ids match nothing) or all entries read."""
        wanted = list(ids or [])
        if not everything and not wanted:
            return

        def work(session: Session) -> None:
            statement = update(Notification).where(col(Notification.user_id) == user_id,
                                                   col(Notification.read).is_(False))
            if not everything:
                statement = statement.where(col(Notification.id).in_(wanted))
            session.execute(statement.values(read=True))
        await self.writer.run(work)
        self._tell({user_id})

    # --- helpers -------------------------------------------------------------------------------------------------

    def _tell(self, user_ids: set[str]) -> None:
        self.counts_changed.emit(sorted(user_ids))
        self.refresh(user_ids)

    def refresh(self, user_ids: set[str]) -> None:
        """Re-count the unread notifications of these people for their bells open in this process."""
        listening = [u for u in user_ids if (event := self._updates.get(u)) is not None and event.callbacks]
        if not listening:
            return
        with self.db.read() as session:
            counts = {u: self._unread_count(session, u) for u in listening}
        for user_id, count in counts.items():
            self._updates[user_id].emit(count)

    def _forget_unheard(self) -> None:
        """Drop the events of people with no page open (their bells unsubscribed when the pages went)."""
        for user_id in [u for u, event in self._updates.items() if not event.callbacks]:
            del self._updates[user_id]

    @staticmethod
    def _unread_of(session: Session, entry: Entry) -> Notification | None:
        return session.exec(select(Notification).where(
            Notification.user_id == entry.user_id, Notification.kind == entry.kind,
            Notification.list_id == entry.list_id, col(Notification.read).is_(False))
            .order_by(col(Notification.id).desc()).limit(1)).first()

    @staticmethod
    def _unread_count(session: Session, user_id: str) -> int:
        return session.exec(select(func.count()).select_from(Notification).where(
            Notification.user_id == user_id, col(Notification.read).is_(False))).one()


def public(row: Notification) -> dict[str, Any]:
    data: dict[str, Any] = {'id': str(row.id), 'at': iso(row.at), 'kind': row.kind, 'summary': row.summary,
                            'read': row.read}
    if row.list_id is not None:
        data['list_id'] = row.list_id
    return data


def link_of(entry: dict[str, Any]) -> str:
    """Where an entry leads: the list it is about, or home when that list is gone for the person."""
    if entry.get('list_id') and entry['kind'] not in ('removed', 'list_deleted'):
        return f'/lists/{entry["list_id"]}'
    return '/'
