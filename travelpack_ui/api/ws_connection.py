"""One API client's WebSocket on one list's room: the API-client twin of a list tab.

A connection joins the room like a tab does: a snapshot first, then every change and presence message the room
pushes, in order, through one queue and one writer task (the room sends as background tasks, which alone would not
keep the order). What the client sends goes the same way as everything else: ops through `OpService.apply`, focus
into the room; the role is re-checked on every message and whenever membership or the credential changes.
"""
import asyncio
import json
import logging
import time
import uuid
from typing import Any

from fastapi import WebSocket
from nicegui import background_tasks
from pydantic import ValidationError
from sqlmodel import select
from starlette.websockets import WebSocketDisconnect

from models import Action, ListMember, Op, OpResult, Role, User, can, validation_sentence
from travelpack_ui.api.ws_frames import BadFrame, check_size, has_lone_surrogate, op_id_of, parse
from travelpack_ui.auth.credentials import Credential, CredentialEnded
from travelpack_ui.core.errors import DomainError
from travelpack_ui.core.ratelimit import TokenBucket
from travelpack_ui.lists.applier import actor_of
from travelpack_ui.live.rooms import Room
from travelpack_ui.services import Services

log = logging.getLogger(__name__)

MAX_QUEUED = 1_000
MAX_OPS = 500
CLOSE_TIMEOUT_S = 5.0

NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND, FLOODING = 4401, 4403, 4404, 4429
TRY_AGAIN_LATER = 1013  # a client too slow to read its messages: reconnect for a fresh snapshot
INTERNAL_ERROR = 1011  # a bug of ours: still a close frame, never a dropped connection
CHANGE_PREFIX = '{"type":"change"'
UNICODE_SENTENCE = 'The op contains a string that is not valid Unicode (a lone UTF-16 surrogate).'


class Connection:
    """One API client's socket on one list's room."""

    def __init__(self, services: Services, room: Room, user: User, websocket: WebSocket,
                 credential: Credential | None = None) -> None:
        self.services = services
        self.room = room
        self.user = user
        self.websocket = websocket
        self.credential = credential or Credential(user.id)
        self.expiry: asyncio.TimerHandle | None = None
        self.key = f'ws-{uuid.uuid4().hex}'
        self.role: Role | None = None
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.bucket = TokenBucket(services.settings.ws_burst, services.settings.ws_rate_per_s)
        self.close_code: int | None = None
        self.ended = asyncio.Event()
        self.skip_through: int | None = None
        """Changes up to this version are in the snapshot already (the room may still be flushing them)."""

    def join(self) -> bool:
        """Check access, queue the snapshot and register with the room in one synchronous step.

        No await in here: the room applies changes on this event loop, so nothing can slip in between the
        snapshot and the registration, and no membership change can go unnoticed.
        """
        self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
        if self.role is None:
            return False
        self._queue_snapshot(self.role)
        self.room.sockets[self.key] = self.deliver
        self.room.access_changed.subscribe(self._on_access_changed)
        self.room.reloaded.subscribe(self._on_reloaded)
        self.room.presence.arrive(self.key, actor_of(self.user))
        self._seen()
        self.services.accounts.credential_ended.subscribe(self._on_credential_ended)
        if self.credential.expires_at is not None:  # an access token ends at its `exp`, mid-connection or not
            delay = max(0.0, self.credential.expires_at - time.time())
            self.expiry = asyncio.get_running_loop().call_later(delay, self.close, NOT_AUTHENTICATED)
        return True

    def _queue_snapshot(self, role: Role) -> None:
        """The whole list, next in line; changes it already holds are not sent after it."""
        owner = self._owner()
        snapshot = self.room.snapshot()
        snapshot['role'] = role.value
        if owner is not None:
            snapshot['owner'] = owner
        self.skip_through = snapshot['version']
        self.queue.put_nowait(_encode({'type': 'snapshot', 'list': snapshot}))

    def _on_reloaded(self) -> None:
        """The room missed changes and re-read the list: the client starts again from a new snapshot."""
        if self.role is not None and not self.ended.is_set():
            self._queue_snapshot(self.role)

    def part(self) -> None:
        """Leave the room, whatever ended the connection."""
        self.room.access_changed.unsubscribe(self._on_access_changed)
        self.room.reloaded.unsubscribe(self._on_reloaded)
        self.services.accounts.credential_ended.unsubscribe(self._on_credential_ended)
        if self.expiry is not None:
            self.expiry.cancel()
        self.room.sockets.pop(self.key, None)
        self.room.presence.leave(self.key, self.user.id)
        self.services.rooms.drop_if_empty(self.room.list_id)
        self._seen()

    def _seen(self) -> None:
        """A socket on the list sees its changes: no digest for them (the scheduler keeps the mark fresh)."""
        background_tasks.create(self.services.notify.seen.touch(self.room.list_id, [self.user.id]), name='seen')

    async def run(self) -> None:
        reader = asyncio.create_task(self._read(), name=f'{self.key} read')
        writer = asyncio.create_task(self._write(), name=f'{self.key} write')
        try:
            await self.ended.wait()
        finally:
            for task in (reader, writer):
                task.cancel()
            await asyncio.gather(reader, writer, return_exceptions=True)
        if self.close_code is not None:
            try:
                await asyncio.wait_for(self.websocket.close(code=self.close_code), CLOSE_TIMEOUT_S)
            except (TimeoutError, RuntimeError, OSError, WebSocketDisconnect):
                pass  # gone already, or too stuck to take a close frame: uvicorn drops the transport

    def close(self, code: int) -> None:
        if self.close_code is None and not self.ended.is_set():
            self.close_code = code
        self.ended.set()

    # --- server → client ---------------------------------------------------------------------------------------

    async def deliver(self, text: str) -> None:
        """The room's sender: queue at once (the call order is the send order); drop what the snapshot holds."""
        if self.ended.is_set():
            return
        if self.skip_through is not None and text.startswith(CHANGE_PREFIX):
            if json.loads(text)['version'] <= self.skip_through:
                return
            self.skip_through = None
        if self.queue.qsize() >= MAX_QUEUED:
            log.info('WebSocket %s of user %s is too slow; closing it', self.key, self.user.id)
            self.close(TRY_AGAIN_LATER)
            return
        self.queue.put_nowait(text)

    def send(self, message: dict[str, Any]) -> None:
        if not self.ended.is_set():
            self.queue.put_nowait(_encode(message))

    async def _write(self) -> None:
        try:
            while True:
                await self.websocket.send_text(await self.queue.get())
        except (RuntimeError, OSError, WebSocketDisconnect):
            self.ended.set()  # the client went away mid-send

    # --- client → server ---------------------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            while not self.ended.is_set():
                message = await self.websocket.receive()
                if message['type'] == 'websocket.disconnect':
                    break
                await self._on_frame(message.get('text'), message.get('bytes'))
        except (RuntimeError, OSError, WebSocketDisconnect):
            pass
        except Exception:  # a bug of ours must still end in a close frame (and a log line), not a dropped socket
            log.exception('WebSocket %s of user %s failed on a message', self.key, self.user.id)
            self.close(INTERNAL_ERROR)
        finally:
            self.ended.set()

    async def _on_frame(self, text: str | None, data: bytes | None) -> None:
        try:
            check_size(text, data)
        except BadFrame as bad:
            self.close(bad.code)
            return
        if not self.bucket.take():
            self.close(FLOODING)
            return
        if not self._credential_valid():
            self.close(NOT_AUTHENTICATED)
            return
        self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
        if self.role is None:
            self.close(FORBIDDEN if self.services.auth.still_valid(self.credential) else NOT_AUTHENTICATED)
            return
        try:
            message = parse(text, data)
        except BadFrame as bad:
            self.close(bad.code)  # API.md: 4400 for a message that is not valid JSON or nests too deep
            return
        kind = message.get('type') if isinstance(message, dict) else None
        if kind == 'ops':
            await self._on_ops(message.get('ops'))
        elif kind == 'focus':
            self._on_focus(message.get('item_id', None))
        elif kind == 'ping':
            self.send({'type': 'pong'})
        else:
            self._error('unknown_type', 'Send a JSON object whose "type" is "ops", "focus" or "ping".')

    async def _on_ops(self, raw: Any) -> None:
        if not isinstance(raw, list) or not raw:
            self._error('invalid', 'ops: must be a non-empty list of ops')
            return
        if len(raw) > MAX_OPS:
            self._error('invalid', f'ops: at most {MAX_OPS} ops per message')
            return
        results: list[dict[str, Any] | None] = []
        valid: list[Op] = []
        for entry in raw:
            if has_lone_surrogate(entry):
                results.append(OpResult.rejected(op_id_of(entry), 'invalid', UNICODE_SENTENCE).wire())
                continue
            try:
                valid.append(Op.model_validate(entry))
                results.append(None)
            except ValidationError as error:
                results.append(OpResult.rejected(op_id_of(entry), 'invalid', validation_sentence(error)).wire())
        version = self.room.version
        if valid:
            applied, version = await self._apply(valid)
            answers = iter(applied)
            results = [result if result is not None else next(answers) for result in results]
        self.send({'type': 'ack', 'results': results, 'version': version})

    async def _apply(self, ops: list[Op]) -> tuple[list[dict[str, Any]], int]:
        if self.role is None or not can(self.role, Action.edit_items):
            detail = 'Your role on this list is viewer: you can look, not change.'
            return [OpResult.rejected(op.op_id, 'forbidden', detail).wire() for op in ops], self.room.version
        # shielded: a change that commits must also be published, even if this connection ends meanwhile
        work = asyncio.ensure_future(self.services.ops.apply(self.room.list_id, ops, user=self.user))
        work.add_done_callback(lambda task: task.cancelled() or task.exception())  # retrieved, even if we are gone
        try:
            batch = await asyncio.shield(work)
        except DomainError as error:
            return [OpResult.rejected(op.op_id, error.code, error.detail).wire() for op in ops], self.room.version
        return [r.wire() for r in batch.results], batch.version

    def _on_focus(self, item_id: Any) -> None:
        if item_id is not None and (not isinstance(item_id, str) or item_id not in self.room.entities['items']):
            return  # not an item of this list (or gone meanwhile): nothing to show
        self.room.presence.focus(self.key, self.user.id, item_id)

    def _error(self, code: str, detail: str) -> None:
        self.send({'type': 'error', 'code': code, 'detail': detail})

    # --- access ------------------------------------------------------------------------------------------------

    def _on_access_changed(self, _what: str) -> None:
        """Membership changed or the list went: re-check at once; someone who lost access is closed with 4403."""
        if self.ended.is_set():
            return
        self.role = self.services.lists.role_of(self.room.list_id, self.user.id)
        if self.role is None:
            self.room.sockets.pop(self.key, None)  # not one more change for them
            self.close(FORBIDDEN)

    def _on_credential_ended(self, ended: CredentialEnded) -> None:
        """The token this socket was opened with was revoked, or its account deleted: 4401 at once."""
        if not self.ended.is_set() and self.credential.ended_by(ended):
            self.room.sockets.pop(self.key, None)  # not one more change for them
            self.close(NOT_AUTHENTICATED)

    def _credential_valid(self) -> bool:
        """Past its `exp` (the timer may lag behind a busy loop), or a personal token revoked by another process."""
        if self.credential.expires_at is not None:
            return time.time() < self.credential.expires_at
        return self.services.auth.still_valid(self.credential)

    def _owner(self) -> dict[str, Any] | None:
        """The owner as of now (the room's copy dates from when it opened; a transfer may have happened)."""
        with self.services.db.read() as session:
            row = session.exec(select(User).join(ListMember, ListMember.user_id == User.id)  # type: ignore[arg-type]
                               .where(ListMember.list_id == self.room.list_id, ListMember.role == Role.owner)).first()
        return {'id': row.id, 'display_name': row.display_name} if row else None


def _encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(',', ':'))
