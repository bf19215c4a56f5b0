"""Rooms: one per open list, shared by every tab and API socket that shows it.

A room caches the list (no query per render) and pushes each committed change once to everyone: a single
socket.io emit to a room that every tab of the list has joined (encoded once, whatever the number of tabs), and
pre-encoded text to API sockets. When to push is the coalescer's call (live/coalescer.py), who is here is
`Presence`'s (live/presence.py); the room does the sending for both.
"""
import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from nicegui import Event, background_tasks, core, run
from sqlalchemy.exc import SQLAlchemyError

from travelpack_ui.auth.credentials import CredentialEnded
from travelpack_ui.core.broadcast import emit_to_room
from travelpack_ui.core.errors import NotFound
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.applier import Change
from travelpack_ui.lists.changelog import changes_after, current_version
from travelpack_ui.lists.ops import OpService
from travelpack_ui.lists.service import ListService
from travelpack_ui.live.coalescer import Batch, Coalescer
from travelpack_ui.live.presence import Presence

log = logging.getLogger(__name__)

DELTA_EVENT = 'tp_delta'
PRESENCE_EVENT = 'tp_presence'
ENTITY_KEYS = ('categories', 'bags', 'travelers', 'items')
PERSON_KEYS = ('id', 'display_name', 'initials', 'color')
KEY_OF_KIND = {'item': 'items', 'category': 'categories', 'bag': 'bags', 'traveler': 'travelers'}

SocketSender = Callable[[str], Awaitable[None]]


class Room:
    """The live state of one list."""

    def __init__(self, list_id: str, snapshot: dict[str, Any], *, burst_window: float, presence_interval: float
                 ) -> None:
        self.list_id = list_id
        self.channel = f'tp-list-{list_id}'
        self.state = snapshot
        self.entities: dict[str, dict[str, dict[str, Any]]] = {
            key: {e['id']: e for e in snapshot[key]} for key in ENTITY_KEYS}
        self.version: int = snapshot['version']
        self.presence = Presence(self._push_presence, interval=presence_interval)
        self.sockets: dict[str, SocketSender] = {}
        self.tabs: set[str] = set()
        self.pushed: Event[dict[str, Any]] = Event()
        """A delta went out to every tab: {list_id, from_version, version, changes} (what the tabs were sent)."""
        self.activity_pushed: Event[list[dict[str, Any]]] = Event()
        """New (or collapsed) activity feed entries, newest last, with their sentences."""
        self.presence_pushed: Event[list[dict[str, Any]]] = Event()
        """Who is here changed (users with their focused item)."""
        self.people: list[dict[str, Any]] = []
        self.people_changed: Event[list[dict[str, Any]]] = Event()
        """Who is here changed, not only where they are: what avatars show (focus moves every few seconds and must
        cost the tabs nothing)."""
        self.presence_here: Event[list[dict[str, Any]]] = Event()
        """Who is here through this process changed (what other processes are told)."""
        self.announced: list[dict[str, Any]] = []
        self.list_updated: Event[dict[str, Any]] = Event()
        """The list's own fields changed (name, destination, dates): carries the list's state."""
        self.reloaded: Event[[]] = Event()
        """The cache was re-read whole (changes were missed): tabs and sockets start again from `snapshot()`."""
        self.access_changed: Event[str] = Event()
        """Membership or the list's fate changed ('members' | 'deleted'): tabs and sockets re-check access."""
        self.members: frozenset[str] | None = None
        """The list's members as last read (None: unknown); forgotten whenever its access changes, in any process,
        so whoever reads it for each change (the notifier) asks the database once, not per change."""
        self.members_epoch = 0
        """How many times `members` was forgotten: a read that started before the last time is not kept."""
        self._coalescer = Coalescer(self.version, self._push_batch, window=burst_window)

    # --- the list ------------------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        data = {k: v for k, v in self.state.items() if k not in ENTITY_KEYS}
        data['version'] = self.version
        for key, entities in self.entities.items():
            data[key] = sorted(entities.values(), key=lambda e: e.get('position', 0))
        return data

    def publish(self, changes: list[Change]) -> bool:
        """Take committed changes into the cache in version order and schedule their push (coalesced under bursts).

        Versions already here are skipped (a change may come both from this process and from PostgreSQL); False
        when a version before these is missing: nothing after the hole is applied, the caller reads what was missed.
        """
        fresh = []
        complete = True
        for change in changes:
            if change.version <= self.version:
                continue
            if change.version != self.version + 1:
                complete = False
                break
            self._apply(change)
            self.version = change.version
            fresh.append(change)
        self._coalescer.add(fresh)
        return complete

    def reset(self, snapshot: dict[str, Any]) -> None:
        """Start again from a fresh read of the whole list (the versions in between could not be read)."""
        self.state = snapshot
        self.entities = {key: {e['id']: e for e in snapshot[key]} for key in ENTITY_KEYS}
        self.version = snapshot['version']
        self.forget_members()
        self._coalescer.reset(self.version)
        self.list_updated.emit(self.state)
        self.reloaded.emit()

    def forget_members(self) -> None:
        self.members = None
        self.members_epoch += 1

    def _apply(self, change: Change) -> None:
        kind = change.op.split('.')[0]
        self.state['updated_at'] = change.entity.get('updated_at', self.state.get('updated_at'))
        self.state['updated_by'] = change.actor['id']
        if kind == 'list':
            self.state.update({k: v for k, v in change.entity.items() if k not in ('role', 'owner')})
            self.list_updated.emit(self.state)
            return
        bucket = self.entities[KEY_OF_KIND[kind]]
        if change.entity.get('deleted'):
            bucket.pop(change.entity['id'], None)
        else:
            bucket[change.entity['id']] = change.entity

    # --- sending -------------------------------------------------------------------------------------------------

    def _push_batch(self, batch: Batch) -> None:
        message = {'list_id': self.list_id, 'from_version': batch.from_version, 'version': batch.version,
                   'changes': batch.changes}
        self._fan_out(DELTA_EVENT, message, lambda: [_encode(change) for change in batch.changes], 'room delta')
        self.pushed.emit(message)
        if batch.activity:
            self.activity_pushed.emit(batch.activity)

    def _push_presence(self, users: list[dict[str, Any]]) -> None:
        message = {'list_id': self.list_id, 'users': users}
        self._fan_out(PRESENCE_EVENT, message, lambda: [_encode({'type': 'presence', 'users': users})], 'presence')
        self.presence_pushed.emit(users)
        people = [{key: user[key] for key in PERSON_KEYS} for user in users]
        if people != self.people:
            self.people = people
            self.people_changed.emit(people)
        here = self.presence.here()
        if here != self.announced:  # only this process's own visitors go out, so two processes never ping-pong
            self.announced = here
            self.presence_here.emit(here)

    def _fan_out(self, event: str, message: dict[str, Any], texts: Callable[[], list[str]], name: str) -> None:
        """One socket.io message for every tab, queued in place; the same content as text, encoded once, to each
        API socket, all in one task (a task per socket and text cost more than the sends)."""
        if self.tabs:
            emit_to_room(core.sio, event, message, self.channel)
        if self.sockets:
            background_tasks.create(_deliver(list(self.sockets.values()), texts()), name=f'{name} socket send')

    @property
    def is_empty(self) -> bool:
        return not self.tabs and not self.sockets

    def close(self) -> None:
        self._coalescer.close()
        self.presence.close()
        if self.announced:  # the last visitor left: other processes hear it now, not when the announcement expires
            self.announced = []
            self.presence_here.emit([])


class Rooms:
    """Owns every open room; created by `main.py`, fed by the op path's `changed` event."""

    def __init__(self, lists: ListService, ops: OpService, writer: Writer, *, burst_window: float = 0.25,
                 presence_interval: float = 0.25) -> None:
        self.lists = lists
        self.writer = writer
        self.rooms: dict[str, Room] = {}
        self._opening: dict[str, asyncio.Future[Room]] = {}
        self.burst_window = burst_window
        self.presence_interval = presence_interval
        self.opened: Event[Room] = Event()
        """A room was opened in this process (other processes are asked who is on the list)."""
        self._behind: dict[str, int] = {}
        self._reading: set[str] = set()
        self._heard: dict[str, Presence] = {}
        """Lists with no room here: who is on them through other processes (a presence that pushes to nobody)."""
        self.read_changes: Callable[[str, int], Awaitable[list[Change] | None]] = self._read_changes_in_a_thread
        """How a room reads the logged changes after a version (None: shutting down). The PostgreSQL bridge puts a
        read on the event loop here, made for every change another process writes."""
        ops.changed.subscribe(self._on_changes)
        lists.lifecycle.subscribe(self.on_lifecycle)

    async def open(self, list_id: str) -> Room:
        """The list's room, created on first visit (loaded under the write lock, so no change slips past)."""
        if room := self.rooms.get(list_id):
            return room
        if list_id in self._opening:
            return await self._opening[list_id]
        future: asyncio.Future[Room] = asyncio.get_running_loop().create_future()
        self._opening[list_id] = future
        try:
            async with self.writer.lock:
                snapshot = self.lists.snapshot(list_id)
            room = Room(list_id, snapshot, burst_window=self.burst_window, presence_interval=self.presence_interval)
            if heard := self._heard.pop(list_id, None):  # who is on it elsewhere, at once
                heard.close()
                room.presence.adopt(heard)
            self.rooms[list_id] = room
            future.set_result(room)
            self.opened.emit(room)
            return room
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._opening.pop(list_id, None)

    def get(self, list_id: str) -> Room | None:
        return self.rooms.get(list_id)

    def hear_presence(self, list_id: str, key: str, users: list[dict[str, Any]], *, ttl: float) -> None:
        """Who is on a list through another process (`key`: that process and part; no users: nobody any more).
        Without a room here it is kept all the same: a change written here still must not tell them they were away.
        """
        room = self.rooms.get(list_id)
        (room.presence if room is not None else self._unheard(list_id)).hear(key, users, ttl=ttl)
        self._drop_unheard([list_id])

    def forget_process(self, origin: str) -> None:
        """Another process stopped: nobody is on any list through it any more."""
        for presence in self._presences():
            presence.forget(origin)
        self._drop_unheard()

    def expire_presence(self) -> None:
        """Forget the announcements of processes that stopped repeating them."""
        for presence in self._presences():
            presence.expire()
        self._drop_unheard()

    def looking(self, list_id: str) -> set[str]:
        """The ids of everyone on the list now, through this process or another (who is not away)."""
        room = self.rooms.get(list_id)
        presence = room.presence if room is not None else self._heard.get(list_id)
        return presence.user_ids() if presence is not None else set()

    def _presences(self) -> list[Presence]:
        return [room.presence for room in self.rooms.values()] + list(self._heard.values())

    def _unheard(self, list_id: str) -> Presence:
        """The presence kept for a list with no room here (nobody here to push it to)."""
        if list_id not in self._heard:
            self._heard[list_id] = Presence(lambda _: None, interval=self.presence_interval)
        return self._heard[list_id]

    def _drop_unheard(self, list_ids: Iterable[str] | None = None) -> None:
        """Stop keeping these lists (None: any) once nobody is on them through another process."""
        for list_id in list(self._heard if list_ids is None else list_ids):
            if (heard := self._heard.get(list_id)) is not None and not heard.elsewhere:
                del self._heard[list_id]
                heard.close()

    def drop_if_empty(self, list_id: str) -> None:
        room = self.rooms.get(list_id)
        if room is not None and room.is_empty:
            room.close()
            del self.rooms[list_id]
            self._unheard(list_id).adopt(room.presence)  # still on it through the others: kept
            self._drop_unheard([list_id])

    def on_lifecycle(self, list_id: str, what: str) -> None:
        """A list's fate changed, here or (told through PostgreSQL) in another process."""
        if room := self.rooms.get(list_id):
            room.forget_members()
            room.access_changed.emit(what)

    def on_credential_ended(self, ended: CredentialEnded) -> None:
        """An account is gone, here or in another process: its memberships went with it, announced on no list."""
        if ended.token_id is not None:
            return
        for room in self.rooms.values():
            if room.members is not None and ended.user_id in room.members:
                room.forget_members()

    def catch_up(self, list_id: str, version: int | None = None) -> None:
        """The list reached `version` (None: unknown, read it): soon, read the changes this room has not seen.

        Calls made before or during a read become one more read at most. The read runs off the event loop (on
        PostgreSQL it is a round trip, made for every change another process writes); what this process publishes
        meanwhile is kept in version order by `Room.publish`, which skips what it holds and stops at a hole.
        """
        room = self.rooms.get(list_id)
        if room is None or (version is not None and version <= room.version):
            return
        due = self._behind.get(list_id)
        self._behind[list_id] = max(version or 0, due or 0)
        if due is None and list_id not in self._reading:
            self._reading.add(list_id)
            background_tasks.create(self._read_missed(list_id), name='read the changes a room missed')

    def catch_up_all(self) -> None:
        """After a time deaf to PostgreSQL (the listener reconnected): every room reads what it missed."""
        for list_id in list(self.rooms):
            self.catch_up(list_id)

    def _on_changes(self, changes: list[Change]) -> None:
        if changes and (room := self.rooms.get(changes[0].list_id)) and not room.publish(changes):
            self.catch_up(room.list_id, changes[-1].version)  # another process wrote the versions in between

    async def _read_missed(self, list_id: str) -> None:
        try:
            while list_id in self._behind:
                told = self._behind.pop(list_id)
                room = self.rooms.get(list_id)
                if room is None:
                    return
                try:
                    missed = await self._missed(list_id, room.version, told)
                except (SQLAlchemyError, NotFound) as error:  # the list went, or the database is away: the next
                    log.warning('Could not read the changes of list %s: %s', list_id, error)  # news retries
                    return
                if missed is None or self.rooms.get(list_id) is not room:  # shutting down, or the room closed
                    return
                changes, target, snapshot = missed
                if room.publish(changes) and (target is None or room.version >= target):
                    continue
                if snapshot is not None and snapshot['version'] >= room.version:
                    log.info('List %s: versions %d to %d are not in the change log; re-reading the list',
                             list_id, room.version + 1, snapshot['version'])
                    room.reset(snapshot)
                elif room.version < (target or 0):
                    self._behind[list_id] = max(target or 0, self._behind.get(list_id, 0))  # moved meanwhile: again
        finally:
            self._reading.discard(list_id)

    async def _missed(self, list_id: str, version: int, told: int
                      ) -> tuple[list[Change], int | None, dict[str, Any] | None] | None:
        """The logged changes after `version`, the version to reach, and the whole list when the log cannot reach it
        (versions written without a change, or older than the log keeps); None when shutting down."""
        target: int | None = told
        if not target:
            target = await run.io_bound(current_version, self.lists.db, list_id)
        if target is None or target <= version:
            return [], target, None
        changes = await self.read_changes(list_id, version)
        if changes is None:
            return None
        complete = [c.version for c in changes] == list(range(version + 1, version + 1 + len(changes)))
        if complete and (changes[-1].version if changes else version) >= target:
            return changes, target, None
        snapshot = await run.io_bound(self.lists.snapshot, list_id)
        return None if snapshot is None else (changes, target, snapshot)

    async def _read_changes_in_a_thread(self, list_id: str, version: int) -> list[Change] | None:
        return await run.io_bound(changes_after, self.lists.db, list_id, version)


async def _deliver(senders: list[SocketSender], texts: list[str]) -> None:
    """Hand each text to each API socket in order; one socket's failure does not starve the others."""
    for send in senders:
        for text in texts:
            try:
                await send(text)
            except Exception:  # a bug in one socket's sender: the other sockets still get the change
                log.exception('Could not deliver a room message to an API socket')


def _encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(',', ':'))
