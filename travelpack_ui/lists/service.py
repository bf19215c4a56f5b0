"""Packing lists as a whole: who may see which, snapshots, and list-level changes (create, bin, duplicate).

Changes inside a list go through `OpService`; the list itself is created, binned, restored and duplicated here,
through the same writer, and announced on `lifecycle` so that rooms and sockets can react.
"""
import asyncio
import logging
from datetime import timedelta
from typing import Any

from nicegui import Event
from sqlalchemy import case
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, func, select

from models import (
    Action,
    Activity,
    Bag,
    Category,
    Item,
    ListCreate,
    ListMember,
    PackingList,
    Role,
    Traveler,
    User,
    activity_entry,
    can,
    new_id,
    utcnow,
)
from travelpack_ui.core.db import PURGE_LOCK, Database
from travelpack_ui.core.errors import Forbidden, NotFound
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.changelog import forget_changes_before

log = logging.getLogger(__name__)
ENTITY_ORDER = (('categories', Category), ('bags', Bag), ('travelers', Traveler), ('items', Item))


class ListService:
    """Reads scoped to membership, and the list-level writes."""

    def __init__(self, db: Database, writer: Writer, *, bin_days: int = 30) -> None:
        self.db = db
        self.writer = writer
        self.bin_days = bin_days
        self.lifecycle: Event[str, str] = Event()
        """A list's fate changed: (list id, 'deleted' | 'restored' | 'members')."""

    # --- reads ---------------------------------------------------------------------------------------------------

    def role_of(self, list_id: str, user_id: str | None) -> Role | None:
        """The caller's role on a live list, read from the latest committed membership; None if they can't see it."""
        if not user_id:
            return None
        with self.db.read() as session:
            row = session.exec(select(ListMember.role).join(PackingList)
                               .where(ListMember.list_id == list_id, ListMember.user_id == user_id,
                                      col(PackingList.deleted_at).is_(None))).first()
        return Role(row) if row else None

    def require(self, list_id: str, user_id: str | None, action: Action = Action.read) -> Role:
        role = self.role_of(list_id, user_id)
        if role is None:
            raise NotFound('No such packing list.', code='not_found')
        if not can(role, action):
            raise Forbidden(f'Your role on this list ({role.value}) does not allow this.', code='forbidden')
        return role

    def summaries(self, user_id: str, *, binned: bool = False) -> list[dict[str, Any]]:
        """The lists the user owns or collaborates on, with progress, newest first."""
        with self.db.read() as session:
            deleted = col(PackingList.deleted_at).is_not(None) if binned else col(PackingList.deleted_at).is_(None)
            rows = session.exec(select(PackingList, ListMember.role).join(ListMember)
                                .where(ListMember.user_id == user_id, deleted)
                                .order_by(col(PackingList.updated_at).desc())).all()
            ids = [plist.id for plist, _ in rows]
            counts = self._counts(session, ids)
            owners = self._owners(session, ids)
        return [self._summary(plist, role, counts.get(plist.id, (0, 0)), owners.get(plist.id)) for plist, role in rows]

    def snapshot(self, list_id: str, role: Role | str | None = None) -> dict[str, Any]:
        """The full list: metadata, version, the caller's role, and every live category, bag, traveler and item."""
        with self.db.read() as session:
            plist = session.get(PackingList, list_id)
            if plist is None:
                raise NotFound('No such packing list.', code='not_found')
            data = plist.public()
            data['role'] = Role(role).value if role else None
            owner = self._owners(session, [list_id]).get(list_id)
            data['owner'] = owner
            for key, table in ENTITY_ORDER:
                query = select(table).where(table.list_id == list_id, col(table.deleted_at).is_(None))
                data[key] = [e.public() for e in session.exec(query.order_by(table.position)).all()]  # type: ignore
        return data

    def people(self, list_id: str) -> dict[str, dict[str, Any]]:
        """Everyone whose name may appear on the list (members and past actors), for attribution; `member` marks
        who may be linked to a traveler."""
        with self.db.read() as session:
            members = select(ListMember.user_id).where(ListMember.list_id == list_id)
            actors = select(Activity.actor_id).where(Activity.list_id == list_id).distinct()
            users = session.exec(select(User).where(col(User.id).in_(members.union(actors)))).all()
            current = set(session.exec(members).all())
        return {u.id: {'display_name': u.display_name, 'initials': u.initials, 'color': u.color,
                       'member': u.id in current} for u in users}

    def activity(self, list_id: str, *, limit: int = 50, before: str | None = None) -> list[dict[str, Any]]:
        """Newest first, one sentence each; `before` is the id of the last entry of the previous page."""
        with self.db.read() as session:
            query = select(Activity, User).join(User, col(User.id) == Activity.actor_id, isouter=True) \
                .where(Activity.list_id == list_id)
            if before is not None:
                query = query.where(col(Activity.id) < int(before))
            rows = session.exec(query.order_by(col(Activity.id).desc()).limit(limit)).all()
        return [activity_entry(a, u) for a, u in rows]

    def activity_row(self, list_id: str, activity_id: str) -> Activity | None:
        if not activity_id.isdigit():
            return None
        with self.db.read() as session:
            row = session.get(Activity, int(activity_id))
        return row if row is not None and row.list_id == list_id else None

    # --- list-level writes ---------------------------------------------------------------------------------------

    async def create(self, payload: ListCreate, *, user: User) -> dict[str, Any]:
        def work(session: Session) -> str:
            plist = PackingList(**payload.model_dump(), created_by=user.id, updated_by=user.id, version=1)
            session.add(plist)
            session.flush()
            session.add(ListMember(list_id=plist.id, user_id=user.id, role=Role.owner, added_by=user.id))
            session.add(Activity(list_id=plist.id, actor_id=user.id, op='list.create', entity_id=plist.id,
                                 entity_name=plist.name, list_version=1))
            return plist.id
        list_id = await self.writer.run(work)
        return self.snapshot(list_id, Role.owner)

    async def delete(self, list_id: str, *, user: User) -> None:
        """Owner only: the list goes to the bin (restorable for `bin_days`); every member loses it at once."""
        self.require(list_id, user.id, Action.delete_list)

        def work(session: Session) -> None:
            plist = session.get(PackingList, list_id)
            assert plist is not None
            plist.deleted_at, plist.deleted_by = utcnow(), user.id
            session.add(plist)
        await self.writer.run(work, lambda _: self.lifecycle.emit(list_id, 'deleted'))

    async def restore(self, list_id: str, *, user: User) -> dict[str, Any]:
        def work(session: Session) -> None:
            plist = session.get(PackingList, list_id)
            member = session.get(ListMember, (list_id, user.id))
            if plist is None or member is None or plist.deleted_at is None or member.role != Role.owner:
                raise NotFound('No such list in your bin.', code='not_found')
            plist.deleted_at = plist.deleted_by = None
            session.add(plist)
        await self.writer.run(work, lambda _: self.lifecycle.emit(list_id, 'restored'))
        return self.snapshot(list_id, Role.owner)

    async def duplicate(self, list_id: str, *, user: User) -> dict[str, Any]:
        """A copy owned by the caller: categories, bags, travelers and items (unpacked), with new ids."""
        self.require(list_id, user.id, Action.read)
        source = self.snapshot(list_id)

        def work(session: Session) -> str:
            plist = PackingList(name=f'{source["name"]} (copy)'[:200], destination=source['destination'],
                                notes=source['notes'], created_by=user.id, updated_by=user.id, version=1)
            original = session.get(PackingList, list_id)
            assert original is not None
            plist.start_date, plist.end_date = original.start_date, original.end_date
            session.add(plist)
            session.flush()
            session.add(ListMember(list_id=plist.id, user_id=user.id, role=Role.owner, added_by=user.id))
            new_ids: dict[str, str] = {}
            for key, table in ENTITY_ORDER:
                for row in source[key]:
                    new_ids[row['id']] = new_id()
                    values = {f: row[f] for f in table.EDITABLE}
                    if key == 'travelers' and values['user_id'] != user.id:
                        values['user_id'] = None  # the copy's only member is its owner
                    if key == 'items':
                        values['packed'] = False
                        for ref in ('category_id', 'bag_id', 'traveler_id'):
                            values[ref] = new_ids.get(values[ref]) if values[ref] else None
                    session.add(table(id=new_ids[row['id']], list_id=plist.id, created_by=user.id,
                                      updated_by=user.id, version=1, **values))
            session.add(Activity(list_id=plist.id, actor_id=user.id, op='list.create', entity_id=plist.id,
                                 entity_name=plist.name, list_version=1))
            return plist.id
        new_list_id = await self.writer.run(work)
        return self.snapshot(new_list_id, Role.owner)

    async def purge_bin(self) -> int:
        """Delete for good the lists that have sat in the bin longer than `bin_days` (and the change log's old rows).

        Every process runs this loop; on PostgreSQL the one that gets the advisory lock purges and the others skip.
        """
        cutoff = utcnow() - timedelta(days=self.bin_days)

        def work(session: Session) -> int:
            if not self.db.try_job_lock(session, PURGE_LOCK):
                log.info('Another process is emptying the bin; skipping this round')
                return 0
            old = session.exec(select(PackingList).where(col(PackingList.deleted_at) < cutoff)).all()
            for plist in old:
                session.delete(plist)
            forget_changes_before(session)
            return len(old)
        return await self.writer.run(work)

    async def purge_periodically(self, *, every_s: float = 3600.0) -> None:
        """Empty old lists out of the bin, now and then every hour, for as long as the app runs."""
        while True:
            try:
                purged = await self.purge_bin()
            except SQLAlchemyError:
                log.exception('Could not empty the bin; will try again')
            else:
                if purged:
                    log.info('Deleted %d lists that were in the bin for more than %d days', purged, self.bin_days)
            await asyncio.sleep(every_s)

    # --- helpers -------------------------------------------------------------------------------------------------

    @staticmethod
    def _counts(session: Session, ids: list[str]) -> dict[str, tuple[int, int]]:
        if not ids:
            return {}
        query = select(Item.list_id, func.count(), func.sum(case((col(Item.packed), 1), else_=0))) \
            .where(col(Item.list_id).in_(ids), col(Item.deleted_at).is_(None)).group_by(Item.list_id)
        return {list_id: (total, int(packed or 0)) for list_id, total, packed in session.exec(query).all()}

    @staticmethod
    def _owners(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        query = select(ListMember.list_id, User).join(User, col(User.id) == ListMember.user_id) \
            .where(col(ListMember.list_id).in_(ids), ListMember.role == Role.owner)
        return {list_id: {'id': u.id, 'display_name': u.display_name} for list_id, u in session.exec(query).all()}

    @staticmethod
    def _summary(plist: PackingList, role: str, counts: tuple[int, int], owner: dict | None) -> dict[str, Any]:
        data = plist.public()
        data.update(role=role, owner=owner, item_count=counts[0], packed_count=counts[1])
        return data

