"""What makes notifications: the events services already announce after commit, turned into sentences.

Nothing here runs on the write path: the op path's `changed`, the lists' `lifecycle` and sharing's
`members_changed` are heard after commit, the room's presence is read at that moment (who is away), and the entries
are derived and written in a background task (a list's changes close together, in one write). Nobody is notified
about their own actions.
"""
import asyncio
import logging
from typing import Any

from nicegui import background_tasks, run
from sqlmodel import col, select

from models import ListMember, PackingList, Role, Traveler, User
from travelpack_ui.core.db import Database
from travelpack_ui.lists.applier import Change
from travelpack_ui.lists.ops import OpService
from travelpack_ui.lists.service import ListService
from travelpack_ui.live.rooms import Room, Rooms
from travelpack_ui.notify.away import away_entries, merge_away
from travelpack_ui.notify.service import Entry, Notifications
from travelpack_ui.sharing.context import MemberChange, SharingContext

log = logging.getLogger(__name__)

GATHER_S = 0.5
"""A list's changes within this long of the first are written as one batch of notifications."""


class Notifier:
    """Listens to the services' events and makes the notifications they imply."""

    def __init__(self, notifications: Notifications, db: Database, *, ops: OpService, lists: ListService,
                 rooms: Rooms, sharing: SharingContext) -> None:
        self.notifications = notifications
        self.db = db
        self.rooms = rooms
        self._gathered: dict[str, list[tuple[list[Change], set[str]]]] = {}
        """Per list, the changes waiting for `_changes_soon`, each with who was looking when it committed."""
        ops.changed.subscribe(self._on_changes)
        lists.lifecycle.subscribe(self._on_lifecycle)
        sharing.members_changed.subscribe(self._on_members)

    # --- listeners: take what is only true now (presence), leave the rest to a background task -------------------

    def _on_changes(self, changes: list[Change]) -> None:
        items = [c for c in changes if c.op.startswith('item.') and c.activity is not None and _may_concern_others(c)]
        if not items:  # the usual burst: someone editing their own unassigned items costs nothing more
            return
        list_id = items[0].list_id
        present = self.rooms.looking(list_id)  # here or through another process, with or without a room here
        gathered = self._gathered.setdefault(list_id, [])
        gathered.append((items, present))
        if len(gathered) == 1:
            background_tasks.create(self._changes_soon(list_id), name='notifications of changes')

    def _on_lifecycle(self, list_id: str, what: str) -> None:
        if what == 'deleted':
            background_tasks.create(self._deleted(list_id), name='notifications of a deleted list')

    def _on_members(self, change: MemberChange) -> None:
        background_tasks.create(self._members(change), name='notifications of members')

    # --- derivations ---------------------------------------------------------------------------------------------

    async def _changes_soon(self, list_id: str) -> None:
        """The changes of a list made within `GATHER_S` of each other, and who was looking at each: their entries
        in one write (ten people packing with the owner away: one write every `GATHER_S`, not one per click)."""
        await asyncio.sleep(GATHER_S)
        await self._changes(list_id, self._gathered.pop(list_id))

    async def _changes(self, list_id: str, gathered: list[tuple[list[Change], set[str]]]) -> None:
        found = await self._people(list_id, [change for changes, _ in gathered for change in changes])
        if found is None:  # shutting down
            return
        list_name, members, linked = found
        if list_name is None:  # the list is gone for good
            return
        assigned: list[Entry] = []
        away: list[Entry] = []
        for changes, present in gathered:
            handled: set[tuple[str, str]] = set()  # (person, item): told by an 'assigned' entry, not again as away
            for change in changes:
                person = _newly_assigned_to(change, linked)
                if person is None or person == change.actor['id'] or person not in members:
                    continue
                if change.op == 'item.create' and person not in present:
                    continue  # added while away: counted in their collapsed entry instead
                name = change.entity.get('name', 'an item')
                assigned.append(Entry(user_id=person, kind='assigned', list_id=list_id,
                                      summary=f'{change.actor["display_name"]} assigned {name} to you in {list_name}'))
                handled.add((person, change.entity['id']))
            away += away_entries(changes, list_name, linked=linked, members=members, present=present, skip=handled)
        await self.notifications.add(assigned)
        await self.notifications.add(away, merge=merge_away)

    async def _people(self, list_id: str, changes: list[Change]
                      ) -> tuple[str | None, frozenset[str], dict[str, str]] | None:
        """The list's name, members and which traveler is which member: from the open room when it knows them all
        (the usual case: no thread hop and no query per change), else read off the event loop (None: shutting
        down). Members read here are kept in the room until its access changes."""
        room = self.rooms.get(list_id)
        known = self._known(room, changes)
        if known is not None and room is not None and room.members is not None:
            return known[0], room.members, known[1]
        epoch = room.members_epoch if room is not None else None
        found = await run.io_bound(self._people_of, list_id, known)
        if found is not None and room is not None and room.members_epoch == epoch and found[0] is not None:
            room.members = found[1]  # nobody's access changed while it was read
        return found

    @staticmethod
    def _known(room: Room | None, changes: list[Change]) -> tuple[str, dict[str, str]] | None:
        """The list's name and which of the travelers these changes name is which member, from the list's open room
        (None: no room, or a traveler it does not hold, e.g. deleted meanwhile: the database answers)."""
        if room is None:
            return None
        travelers = room.entities['travelers']
        named = {t for c in changes for t in (c.entity.get('traveler_id'), _traveler_before(c)) if t}
        if not named <= travelers.keys():
            return None
        return room.state['name'], {t: travelers[t]['user_id'] for t in named if travelers[t].get('user_id')}

    def _people_of(self, list_id: str, known: tuple[str, dict[str, str]] | None = None
                   ) -> tuple[str | None, frozenset[str], dict[str, str]]:
        """The list's name, its members, and which traveler is which member (the first and last from `known`)."""
        with self.db.read() as session:
            members = frozenset(session.exec(select(ListMember.user_id).where(ListMember.list_id == list_id)).all())
            if known is not None:
                return known[0], members, known[1]
            plist = session.get(PackingList, list_id)
            linked = session.exec(select(Traveler.id, Traveler.user_id).where(
                Traveler.list_id == list_id, col(Traveler.user_id).is_not(None))).all()
        return (plist.name if plist else None), members, {traveler: person for traveler, person in linked if person}

    async def _deleted(self, list_id: str) -> None:
        with self.db.read() as session:
            plist = session.get(PackingList, list_id)
            if plist is None or plist.deleted_by is None:
                return
            members = session.exec(select(ListMember.user_id).where(ListMember.list_id == list_id)).all()
            actor = _name(session.get(User, plist.deleted_by))
        await self.notifications.add([
            Entry(user_id=m, kind='list_deleted', list_id=list_id, summary=f'{actor} deleted the list {plist.name}')
            for m in members if m != plist.deleted_by])

    async def _members(self, change: MemberChange) -> None:
        with self.db.read() as session:
            plist = session.get(PackingList, change.list_id)
            actor = _name(session.get(User, change.by))
            target_user = session.get(User, change.user_id) if change.user_id else None
            if target_user is None and change.email:
                target_user = session.exec(select(User).where(User.email == change.email)).first()
            owner = session.exec(select(ListMember.user_id).where(ListMember.list_id == change.list_id,
                                                                  ListMember.role == Role.owner)).first()
            others = session.exec(select(ListMember.user_id).where(ListMember.list_id == change.list_id)).all()
        if plist is None:
            return
        entries = _member_entries(change, plist.name, actor, target_user, owner, list(others))
        await self.notifications.add([e for e in entries if e.user_id != change.by])


def _member_entries(change: MemberChange, list_name: str, actor: str, target: User | None, owner: str | None,
                    members: list[str]) -> list[Entry]:
    """The sentences of a membership change, for the person it is about (and the owner, for a join)."""
    about = target.id if target is not None else None
    role = change.role or ''
    article = 'an' if role[:1] in 'aeiou' and role else 'a'
    sentences = {
        'invited': f'{actor} invited you to the list {list_name} as {role}',
        'added': f'{actor} added you to the list {list_name} as {role}',
        'role_changed': f'{actor} made you {article} {role} of {list_name}',
        'removed': f'{actor} removed you from the list {list_name}',
    }
    if change.what in sentences and about is not None:
        return [Entry(user_id=about, kind=change.what, list_id=change.list_id, summary=sentences[change.what])]
    if change.what == 'joined' and owner is not None and target is not None:
        return [Entry(user_id=owner, kind='joined', list_id=change.list_id,
                      summary=f'{target.display_name} joined your list {list_name} as {role}')]
    if change.what == 'transferred' and target is not None:
        entries = [Entry(user_id=target.id, kind='transferred', list_id=change.list_id,
                         summary=f'{actor} made you the owner of {list_name}')]
        return entries + [Entry(user_id=m, kind='transferred', list_id=change.list_id,
                                summary=f'{actor} handed {list_name} over to {target.display_name}')
                          for m in members if m not in (target.id, change.by)]
    return []


def _traveler_before(change: Change) -> str | None:
    return ((change.activity or {}).get('before') or {}).get('traveler_id')


def _may_concern_others(change: Change) -> bool:
    """Whether anyone but the actor could hear of this change: the item is someone else's, or has a traveler."""
    before = _traveler_before(change)
    return change.entity.get('created_by') != change.actor['id'] or bool(change.entity.get('traveler_id') or before)


def _newly_assigned_to(change: Change, linked: dict[str, str]) -> str | None:
    """The person whose traveler this change assigned the item to, if it did."""
    activity: dict[str, Any] = change.activity or {}
    after, before = activity.get('after') or {}, activity.get('before') or {}
    traveler = change.entity.get('traveler_id')
    if not traveler or change.op not in ('item.create', 'item.update'):
        return None
    if change.op == 'item.update' and ('traveler_id' not in after or before.get('traveler_id') == traveler):
        return None
    return linked.get(traveler)


def _name(user: User | None) -> str:
    return user.display_name if user is not None else 'Someone'
