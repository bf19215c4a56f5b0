"""Departure reminders: `reminder_days` before a list's start date, once per member and start date, to members
with unpacked items that are theirs or nobody's."""
from collections.abc import Callable
from datetime import date, datetime, timedelta

from nicegui import Event
from sqlalchemy import ColumnElement, Select, func, or_, true
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from models import Item, ListMember, NotificationSettings, PackingList, Traveler, User
from travelpack_ui.core.db import Database
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.writer import Writer
from travelpack_ui.notify.compose import Recipient, reminder_lead, reminder_mail
from travelpack_ui.notify.outbox import outbox_row
from travelpack_ui.notify.prefs import Prefs


def counts_for_member() -> ColumnElement[bool]:
    """Which unpacked items a member is reminded of: those assigned to nobody or to a traveler linked to them."""
    theirs = core_select(col(Traveler.id)).where(col(Traveler.user_id) == col(ListMember.user_id))
    return or_(col(Item.traveler_id).is_(None), col(Item.traveler_id).in_(theirs.scalar_subquery()))


def due_reminders(today: date, *, days: int) -> Select[str, str, date | None, int]:
    """(list id, user id, start date, unpacked count) of every member due a reminder today."""
    return (core_select(col(ListMember.list_id), col(ListMember.user_id), col(PackingList.start_date),
                        func.count(col(Item.id)))
            .join(PackingList, col(PackingList.id) == col(ListMember.list_id))
            .join(Item, col(Item.list_id) == col(ListMember.list_id))
            .outerjoin(NotificationSettings, col(NotificationSettings.user_id) == col(ListMember.user_id))
            .where(col(PackingList.start_date) >= today, col(PackingList.start_date) <= today + timedelta(days=days),
                   col(PackingList.deleted_at).is_(None), col(ListMember.muted).is_(False),
                   or_(col(ListMember.reminded_for).is_(None), col(ListMember.reminded_for) != PackingList.start_date),
                   or_(col(NotificationSettings.reminders).is_(None), col(NotificationSettings.reminders) == true()),
                   col(Item.deleted_at).is_(None), col(Item.packed).is_(False), counts_for_member())
            .group_by(col(ListMember.list_id), col(ListMember.user_id), col(PackingList.start_date)))


class Reminders:
    """Queues due reminders into the outbox and tells `reminded` listeners (in-app notifications) after commit."""

    def __init__(self, settings: Settings, db: Database, writer: Writer, prefs: Prefs,
                 clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.db = db
        self.writer = writer
        self.prefs = prefs
        self.clock = clock
        self.reminded: Event[str, str, str] = Event()
        """A departure reminder was queued (user id, list id, its sentence)."""

    async def queue_due(self) -> int:
        with self.db.read() as session:
            if session.execute(due_reminders(self.clock().date(), days=self.settings.reminder_days).limit(1)) \
                    .first() is None:
                return 0
        made = await self.writer.run(self._queue, self._tell)
        return len(made)

    def _queue(self, session: Session) -> list[tuple[str, str, str]]:
        today = self.clock().date()
        due = session.execute(due_reminders(today, days=self.settings.reminder_days)).all()
        made = []
        for list_id, user_id, start, unpacked in due:
            member = session.get(ListMember, (list_id, user_id), with_for_update={'skip_locked': True})
            plist, person = session.get(PackingList, list_id), session.get(User, user_id)
            if member is None or plist is None or person is None or member.reminded_for == start:
                continue  # another process got there first
            to = Recipient(email=person.email, name=person.display_name,
                           unsubscribe_url=self.prefs.unsubscribe_url(user_id, 'reminders'))
            days = (start - today).days
            session.add(outbox_row(reminder_mail(to, list_name=plist.name, days=days, unpacked=unpacked,
                                                 list_url=f'{self.prefs.base_url}/lists/{list_id}'), 'reminder'))
            member.reminded_for = start
            session.add(member)
            made.append((user_id, list_id, f'{reminder_lead(days, plist.name)}: {unpacked} item'
                         f'{"s" if unpacked != 1 else ""} still unpacked'))
        return made

    def _tell(self, made: list[tuple[str, str, str]]) -> None:
        for user_id, list_id, summary in made:
            self.reminded.emit(user_id, list_id, summary)
