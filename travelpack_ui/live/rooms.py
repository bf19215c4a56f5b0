"""Rooms: one per open list, shared by every tab and API socket that shows it.

A room caches the list (no query per render), keeps who is here and what they focus, and pushes each committed
change once to everyone: a single socket.io emit to a room that every tab of the list has joined (encoded once,
whatever the number of tabs), and pre-encoded text to API sockets. Bursts are coalesced: pushes go out at once
while changes are sparse, and at most a few times a second while a burst lasts.
"""
import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import Event, background_tasks, core

from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.applier import Change
from travelpack_ui.lists.ops import OpService
from travelpack_ui.lists.service import ListService

log = logging.getLogger(__name__)

DELTA_EVENT = 'tp_delta'
BURST_TOKENS = 30.0  # changes pushed one by one before a burst is coalesced
REFILL_PER_S = 25.0  # a steady rate below this is never coalesced (the 20 changes/s of the benchmarks)
PRESENCE_EVENT = 'tp_presence'


@dataclass
class Presence:
    """One user's presence in one room: their profile, how many tabs/sockets they have, what they focus."""
    user: dict[str, Any]
    connections: set[str] = field(default_factory=set)
    focus: dict[str, str | None] = field(default_factory=dict)  # connection -> item id

    def item_id(self) -> str | None:
        return next((item for item in reversed(list(self.focus.values())) if item), None)


SocketSender = Callable[[str], Awaitable[None]]


class Room:
    """The live state of one list."""

    def __init__(self, list_id: str, snapshot: dict[str, Any], *, burst_window: float, presence_interval: float
                 ) -> None:
        self.list_id = list_id
        self.channel = f'tp-list-{list_id}'
        self.state = snapshot
        self.entities: dict[str, dict[str, dict[str, Any]]] = {
            key: {e['id']: e for e in snapshot[key]} for key in ('categories', 'bags', 'travelers', 'items')}
        self.version: int = snapshot['version']
        self.presence: dict[str, Presence] = {}
        self.sockets: dict[str, SocketSender] = {}
        self.tabs: set[str] = set()
        self.pushed: Event[dict[str, Any]] = Event()
        """A delta went out to every tab: {list_id, from_version, version, changes} (what the tabs were sent)."""
        self.activity_pushed: Event[list[dict[str, Any]]] = Event()
        """New (or collapsed) activity feed entries, newest last, with their sentences."""
        self.presence_pushed: Event[list[dict[str, Any]]] = Event()
        """Who is here changed (users with their focused item)."""
        self.list_updated: Event[dict[str, Any]] = Event()
        """The list's own fields changed (name, destination, dates): carries the list's state."""
        self.access_changed: Event[str] = Event()
        """Membership or the list's fate changed ('members' | 'deleted'): tabs and sockets re-check access."""
        self._pending: list[dict[str, Any]] = []
        self._pending_activity: list[dict[str, Any]] = []
        self._pending_from = self.version
        self._flush_handle: asyncio.TimerHandle | None = None
        self._burst_window = burst_window
        self._tokens = BURST_TOKENS
        self._stamp = time.monotonic()
        self._bursting = False
        self._presence_interval = presence_interval
        self._presence_due: asyncio.TimerHandle | None = None
        self._presence_last = 0.0

    # --- the list ------------------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        data = {k: v for k, v in self.state.items() if k not in ('categories', 'bags', 'travelers', 'items')}
        data['version'] = self.version
        for key, entities in self.entities.items():
            data[key] = sorted(entities.values(), key=lambda e: e.get('position', 0))
        return data

    def publish(self, changes: list[Change]) -> None:
        """Take committed changes into the cache and schedule their push (coalesced under bursts)."""
        fresh = 0
        for change in changes:
            if change.version <= self.version:
                continue
            fresh += 1
            self._apply(change)
            self.version = change.version
            self._pending.append(change.wire())
            if change.activity:
                self._pending_activity.append(change.activity)
        if fresh:
            self._schedule_flush(fresh)

    def _apply(self, change: Change) -> None:
        kind = change.op.split('.')[0]
        self.state['updated_at'] = change.entity.get('updated_at', self.state.get('updated_at'))
        self.state['updated_by'] = change.actor['id']
        if kind == 'list':
            self.state.update({k: v for k, v in change.entity.items() if k not in ('role', 'owner')})
            self.list_updated.emit(self.state)
            return
        bucket = self.entities[{'item': 'items', 'category': 'categories', 'bag': 'bags',
                                'traveler': 'travelers'}[kind]]
        if change.entity.get('deleted'):
            bucket.pop(change.entity['id'], None)
        else:
            bucket[change.entity['id']] = change.entity

    def _schedule_flush(self, count: int) -> None:
        """Push at once while changes are sparse; while they come faster than the bucket refills, every
        `burst_window` seconds. Every change spends a token, pushed at once or not, so a sustained burst stays a
        burst until the rate really drops (hysteresis: the bucket must refill completely)."""
        now = time.monotonic()
        self._tokens = min(BURST_TOKENS, self._tokens + (now - self._stamp) * REFILL_PER_S)
        self._stamp = now
        if self._bursting and self._tokens >= BURST_TOKENS:
            self._bursting = False
        self._tokens = max(-BURST_TOKENS, self._tokens - count)
        if self._tokens < 0:
            self._bursting = True
        if self._flush_handle is not None:
            return
        loop = asyncio.get_running_loop()
        if self._bursting:
            self._flush_handle = loop.call_later(self._burst_window, self._flush)
        else:
            self._flush_handle = loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        if not self._pending:
            return
        message = {'list_id': self.list_id, 'from_version': self._pending_from, 'version': self.version,
                   'changes': self._pending}
        self._pending, self._pending_from = [], self.version
        if self.tabs:
            background_tasks.create(core.sio.emit(DELTA_EVENT, message, room=self.channel), name='room delta')
        if self.sockets:
            texts = [json.dumps(change, separators=(',', ':')) for change in message['changes']]
            for send in list(self.sockets.values()):
                for text in texts:
                    background_tasks.create(send(text), name='room socket send')
        self.pushed.emit(message)
        if self._pending_activity:
            entries, self._pending_activity = self._pending_activity, []
            self.activity_pushed.emit(entries)

    # --- who is here ---------------------------------------------------------------------------------------------

    def arrive(self, connection: str, user: dict[str, Any]) -> None:
        presence = self.presence.setdefault(user['id'], Presence(user=user))
        presence.connections.add(connection)
        self._presence_changed()

    def leave(self, connection: str, user_id: str) -> None:
        presence = self.presence.get(user_id)
        if presence is None:
            return
        presence.connections.discard(connection)
        presence.focus.pop(connection, None)
        if not presence.connections:
            del self.presence[user_id]
        self._presence_changed()

    def focus(self, connection: str, user_id: str, item_id: str | None) -> None:
        presence = self.presence.get(user_id)
        if presence is None or presence.focus.get(connection) == item_id:
            return
        presence.focus[connection] = item_id
        self._presence_changed()

    def users(self) -> list[dict[str, Any]]:
        return [{**p.user, 'item_id': p.item_id()} for p in self.presence.values()]

    def _presence_changed(self) -> None:
        """Throttled: one presence message per interval for everyone, so presence costs O(connections)."""
        if self._presence_due is not None:
            return
        loop = asyncio.get_running_loop()
        wait = max(0.0, self._presence_last + self._presence_interval - time.monotonic())
        self._presence_due = loop.call_later(wait, self._push_presence)

    def _push_presence(self) -> None:
        self._presence_due = None
        self._presence_last = time.monotonic()
        users = self.users()
        message = {'list_id': self.list_id, 'users': users}
        if self.tabs:
            background_tasks.create(core.sio.emit(PRESENCE_EVENT, message, room=self.channel), name='presence')
        if self.sockets:
            text = json.dumps({'type': 'presence', 'users': users}, separators=(',', ':'))
            for send in list(self.sockets.values()):
                background_tasks.create(send(text), name='presence socket send')
        self.presence_pushed.emit(users)

    @property
    def is_empty(self) -> bool:
        return not self.tabs and not self.sockets

    def close(self) -> None:
        for handle in (self._flush_handle, self._presence_due):
            if handle is not None:
                handle.cancel()


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
        ops.changed.subscribe(self._on_changes)
        lists.lifecycle.subscribe(self._on_lifecycle)

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
            self.rooms[list_id] = room
            future.set_result(room)
            return room
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._opening.pop(list_id, None)

    def get(self, list_id: str) -> Room | None:
        return self.rooms.get(list_id)

    def drop_if_empty(self, list_id: str) -> None:
        room = self.rooms.get(list_id)
        if room is not None and room.is_empty:
            room.close()
            del self.rooms[list_id]

    def _on_changes(self, changes: list[Change]) -> None:
        if changes and (room := self.rooms.get(changes[0].list_id)):
            room.publish(changes)

    def _on_lifecycle(self, list_id: str, what: str) -> None:
        if room := self.rooms.get(list_id):
            room.access_changed.emit(what)
