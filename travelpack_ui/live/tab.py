"""One browser tab showing a list: joins the room, turns the table's events into ops, follows access changes.

Every handler re-checks the role on the server when it fires: a NiceGUI event can be forged by anyone who knows
the client id, so what the page rendered proves nothing.
"""
import asyncio
import logging
from collections.abc import Callable
from typing import Any

from nicegui import Client, background_tasks, core, ui

from models import Action, Op, OpResult, User, can, inverse, new_id, parse_ops
from travelpack_ui.components.item_table import ItemTable
from travelpack_ui.core.errors import DomainError
from travelpack_ui.lists.applier import actor_of
from travelpack_ui.live.rooms import Room
from travelpack_ui.services import Services

log = logging.getLogger(__name__)
WRITE_CHUNK = 50  # ops per write transaction: small enough that another tab's change waits little behind a replay


class ListTab:
    """The server side of one tab of `/lists/<id>`."""

    def __init__(self, services: Services, room: Room, user: User, client: Client, table: ItemTable) -> None:
        self.services = services
        self.room = room
        self.user = user
        self.client = client
        self.table = table
        self.key = client.id
        self.role = services.lists.role_of(room.list_id, user.id)
        self.ended = False
        self.on_end: list[Callable[[], None]] = []
        """What the page clears when access ends (activity, people, the header's details): the content goes."""
        self.queued: list[tuple[list[Op], asyncio.Future[list[dict[str, Any]]]]] = []
        self.draining = False
        table.on('op', self._on_op)
        table.on('resync', lambda _: self._resync())
        table.on('check', self._on_check)
        table.on('focus', self._on_focus)
        client.on_connect(self._on_connect)
        client.on_disconnect(self._on_disconnect)
        client.on_delete(self._on_delete)
        room.access_changed.subscribe(self._on_access_changed)
        room.reloaded.subscribe(self._resync)

    @property
    def can_edit(self) -> bool:
        return not self.ended and can(self.role, Action.edit_items)

    async def send_ops(self, ops: list[Op]) -> list[dict[str, Any]]:
        """Apply ops made in this tab; the answer goes back to the table as an ack (and is returned)."""
        # one tab's ops apply in the order they came (later ops refer to earlier ones), and whatever queued up
        # meanwhile goes in the next write together: a busy writer costs a tab one wait, not one wait per op
        answer: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self.queued.append((ops, answer))
        if not self.draining:
            self.draining = True
            background_tasks.create(self._drain(), name='apply a tab\'s ops')
        return await answer

    async def _drain(self) -> None:
        try:
            while self.queued:
                entries, self.queued = self.queued, []
                try:
                    results = await self._send_ops([op for ops, _ in entries for op in ops])
                except Exception as error:  # handed to every caller that waits
                    for _, answer in entries:
                        answer.set_exception(error)
                    continue
                start = 0
                for ops, answer in entries:
                    answer.set_result(results[start:start + len(ops)])
                    start += len(ops)
        finally:
            self.draining = False

    async def _send_ops(self, ops: list[Op]) -> list[dict[str, Any]]:
        self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
        if self.role is None:
            self._end('You no longer have access to this list.')
            results = [OpResult.rejected(op.op_id, 'not_found', 'You no longer have access to this list.').wire()
                       for op in ops]
        elif not can(self.role, Action.edit_items):
            results = [OpResult.rejected(op.op_id, 'forbidden', 'Viewers cannot change this list.').wire()
                       for op in ops]
        else:
            # a replayed outbox (hundreds of ops) goes in small transactions, acked as they commit: the writer is
            # fair, so other tabs' changes slip in between instead of waiting for the whole replay
            results = []
            for start in range(0, len(ops), WRITE_CHUNK):
                chunk = ops[start:start + WRITE_CHUNK]
                try:
                    batch = await self.services.ops.apply(self.room.list_id, chunk, user=self.user)
                    answered = [r.wire() for r in batch.results]
                except DomainError as error:
                    answered = [OpResult.rejected(op.op_id, error.code, error.detail).wire() for op in chunk]
                self.table.ack(answered)
                results += answered
            return results
        self.table.ack(results)
        return results

    async def revert(self, activity_id: str) -> None:
        """Revert one change from the feed: an op like any other, attributed to whoever reverts."""
        row = self.services.lists.activity_row(self.room.list_id, activity_id)
        undo = inverse(row) if row is not None else None
        if undo is None:
            ui.notify('This change cannot be reverted.', type='warning')
            return
        result = (await self.send_ops([Op(op_id=new_id(), **undo)]))[0]
        if result['status'] == 'rejected':
            ui.notify(result.get('detail') or 'Could not revert.', type='negative')
        else:
            ui.notify('Reverted.', type='positive')

    async def _on_op(self, event: Any) -> None:
        raw = event.args.get('ops') if isinstance(event.args, dict) else None
        if not isinstance(raw, list) or len(raw) > 500:
            log.warning('Ignored a malformed op event from tab %s', self.key)  # the browser never sends one
            return
        ops, invalid = parse_ops(raw)
        if invalid:
            self.table.ack(invalid)
        if ops:
            await self.send_ops(ops)

    def _on_check(self, event: Any) -> None:
        version = event.args.get('version') if isinstance(event.args, dict) else None
        if version != self.room.version:
            self._resync()

    def _resync(self) -> None:
        if self._still_allowed():
            self.table.load(self.room.snapshot())

    def _still_allowed(self) -> bool:
        """Re-read the role before handing out the whole list or re-joining its updates; end the tab if it is gone."""
        if self.ended:
            return False
        self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
        if self.role is None:
            self._end('You no longer have access to this list.')
            return False
        return True

    def _on_focus(self, event: Any) -> None:
        item_id = event.args.get('item_id') if isinstance(event.args, dict) else None
        if item_id is not None and (not isinstance(item_id, str) or item_id not in self.room.entities['items']):
            return
        if not self.ended:
            self.room.presence.focus(self.key, self.user.id, item_id)

    async def _on_connect(self) -> None:
        if not self._still_allowed():  # a reconnect after access ended must not re-join the list's updates
            return
        for socket_id in list(self.client._socket_to_document_id):
            if not socket_id.startswith('test-'):
                await core.sio.enter_room(socket_id, self.room.channel)
        self.room.tabs.add(self.key)
        self.room.presence.arrive(self.key, actor_of(self.user))
        self.table.forget_rows()
        self._seen()
        self.table.connected()

    def _on_disconnect(self) -> None:
        self.room.presence.leave(self.key, self.user.id)  # away; a reconnect brings them back
        self._seen()

    def _on_delete(self) -> None:
        self.room.presence.leave(self.key, self.user.id)
        self._seen()
        self.room.tabs.discard(self.key)
        self.room.access_changed.unsubscribe(self._on_access_changed)
        self.room.reloaded.unsubscribe(self._resync)
        self.services.rooms.drop_if_empty(self.room.list_id)

    def _seen(self) -> None:
        """They have seen the list up to now (no digest for these changes); the scheduler keeps it fresh."""
        background_tasks.create(self.services.notify.seen.touch(self.room.list_id, [self.user.id]), name='seen')

    def _on_access_changed(self, what: str) -> None:
        self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
        if self.role is None:
            self._end('This list was deleted.' if what == 'deleted' else 'You no longer have access to this list.')
        else:
            self.table.set_can_edit(self.can_edit)
            self.table.set_members(self.services.lists.people(self.room.list_id))

    def _end(self, message: str) -> None:
        """Access ended: stop this tab's updates at once and say so."""
        if self.ended:
            return
        self.ended = True
        for socket_id in list(self.client._socket_to_document_id):
            if not socket_id.startswith('test-'):
                background_tasks.create(core.sio.leave_room(socket_id, self.room.channel), name='leave room')
        self.room.presence.leave(self.key, self.user.id)
        self.room.tabs.discard(self.key)
        self.table.notify_ended(message)
        with self.client:
            for clear in self.on_end:
                clear()
            ui.notify(message, type='warning')
