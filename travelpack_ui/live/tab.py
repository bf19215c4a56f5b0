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
from travelpack_ui.core.errors import DomainError, Forbidden, NotFound
from travelpack_ui.lists.applier import actor_of
from travelpack_ui.live.rooms import Room
from travelpack_ui.services import Services

log = logging.getLogger(__name__)


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
        # the op path authorizes every write itself; the role kept here (fresh after every access change, in any
        # process) only spares a read per click, and is re-read before anything is refused on its word
        if self.role is None or not can(self.role, Action.edit_items):
            self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
        if self.role is None:
            return self._refuse(ops, NotFound('You no longer have access to this list.', code='not_found'))
        if not can(self.role, Action.edit_items):
            return self._refuse(ops, Forbidden('Viewers cannot change this list.', code='forbidden'))
        # a replayed outbox (hundreds of ops) is written in short slices, acked as each commits: other tabs'
        # changes slip in between instead of waiting for the whole replay
        try:
            batch = await self.services.ops.apply(self.room.list_id, ops, user=self.user,
                                                  on_slice=lambda done: self.table.ack([r.wire() for r in done]))
        except NotFound:
            self.role = None
            return self._refuse(ops, NotFound('You no longer have access to this list.', code='not_found'))
        except Forbidden:
            self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
            return self._refuse(ops, Forbidden('Viewers cannot change this list.', code='forbidden'))
        except DomainError as error:
            return self._refuse(ops, error)
        return [r.wire() for r in batch.results]

    def _refuse(self, ops: list[Op], reason: DomainError) -> list[dict[str, Any]]:
        if isinstance(reason, NotFound):
            self._end(reason.detail)
        results = [OpResult.rejected(op.op_id, reason.code, reason.detail).wire() for op in ops]
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
