"""Digests: one mail per list to each member who is away, once the list has been quiet for a while.

Finding who is due is one query over `list_member`. The list's `updated_at` (bumped by every op) says cheaply
whether the list went quiet and whether anything happened since the member last looked or was mailed; only then
an indexed EXISTS probe into `activity (list_id, at)` asks whether any of it was by someone else. Settings and the
per-list mute are joined in, so a pass never loops over members.
"""
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, true
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from models import Activity, ListMember, NotificationSettings, PackingList, User, describe
from travelpack_ui.core.db import Database
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.writer import Writer
from travelpack_ui.notify.compose import DIGEST_CAP, Recipient, digest_mail
from travelpack_ui.notify.outbox import outbox_row
from travelpack_ui.notify.prefs import Prefs

BATCH = 200  # digests queued per transaction


def since_column() -> Any:
    """Changes after this moment are news to the member: the later of their last look (or joining) and the last
    digest's end."""
    seen = func.coalesce(col(ListMember.last_seen_at), col(ListMember.added_at))
    return case((col(ListMember.digest_until) > seen, col(ListMember.digest_until)), else_=seen)


def due_digests(now: datetime, *, delay_s: float, min_interval_s: float) -> Select[Any]:
    """(list id, user id, since) of every member due a digest now: the scheduler's one query."""
    since = since_column()
    news = exists().where(col(Activity.list_id) == col(ListMember.list_id), col(Activity.at) > since,
                          col(Activity.actor_id) != col(ListMember.user_id))
    return (core_select(col(ListMember.list_id), col(ListMember.user_id), since.label('since'))
            .join(PackingList, col(PackingList.id) == col(ListMember.list_id))
            .outerjoin(NotificationSettings, col(NotificationSettings.user_id) == col(ListMember.user_id))
            .where(col(ListMember.muted).is_(False), col(PackingList.deleted_at).is_(None),
                   or_(col(NotificationSettings.digests).is_(None), col(NotificationSettings.digests) == true()),
                   or_(col(ListMember.digest_sent_at).is_(None),
                       col(ListMember.digest_sent_at) <= now - timedelta(seconds=min_interval_s)),
                   col(PackingList.updated_at) <= now - timedelta(seconds=delay_s),
                   col(PackingList.updated_at) > since, news))


class Digests:
    """Queues due digests into the outbox, marking each member as told, in one transaction per batch."""

    def __init__(self, settings: Settings, db: Database, writer: Writer, prefs: Prefs,
                 clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.db = db
        self.writer = writer
        self.prefs = prefs
        self.clock = clock

    def query(self, now: datetime) -> Select[Any]:
        return due_digests(now, delay_s=self.settings.digest_delay_s,
                           min_interval_s=self.settings.digest_min_interval_s)

    async def queue_due(self) -> int:
        """Queue every due digest; the number queued. Nothing due (the usual case) costs one read, no write lock."""
        with self.db.read() as session:
            if session.execute(self.query(self.clock()).limit(1)).first() is None:
                return 0
        queued = 0
        while made := await self.writer.run(self._queue_batch):
            queued += made
            if made < BATCH:
                break
        return queued

    def _queue_batch(self, session: Session) -> int:
        """Claim due members (skipping rows another process holds), write their mails and mark them told."""
        now = self.clock()
        query = self.query(now).limit(BATCH).with_for_update(skip_locked=True, of=ListMember)
        due = session.execute(query).all()
        for list_id, user_id, since in due:
            self._queue_one(session, list_id, user_id, since, now)
        return len(due)

    def _queue_one(self, session: Session, list_id: str, user_id: str, since: Any, now: datetime) -> None:
        member = session.get(ListMember, (list_id, user_id))
        plist = session.get(PackingList, list_id)
        person = session.get(User, user_id)
        if member is None or plist is None or person is None:
            return
        news = and_(col(Activity.list_id) == list_id, col(Activity.at) > since, col(Activity.actor_id) != user_id)
        total, until = session.exec(select(func.count(), func.max(Activity.at)).where(news)).one()
        rows = session.exec(select(Activity).where(news).order_by(col(Activity.at)).limit(DIGEST_CAP)).all()
        actors = {u.id: u.display_name for u in session.exec(
            select(User).where(col(User.id).in_({r.actor_id for r in rows}))).all()}
        changes = [(actors.get(r.actor_id, 'Someone'), describe(r, actors.get(r.actor_id, 'Someone'))) for r in rows]
        to = Recipient(email=person.email, name=person.display_name,
                       unsubscribe_url=self.prefs.unsubscribe_url(user_id, 'digests'))
        mail = digest_mail(to, list_name=plist.name, list_url=f'{self.prefs.base_url}/lists/{list_id}',
                           changes=changes, total=total)
        session.add(outbox_row(mail, 'digest'))
        member.digest_until, member.digest_sent_at = until, now
        session.add(member)
