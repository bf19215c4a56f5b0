"""Several processes on one PostgreSQL: what happens live in one process reaches the rooms of every other.

PostgreSQL carries it all (DESIGN.md, rule 9). A trigger announces each new list version on `travelpack_changes`
inside the writing transaction (migrations/versions/0005), so only commits are announced, whoever wrote them; the
rooms then read the changes themselves from the change log. The rest is told on `travelpack_events` after commit:
who is on a list and what they focus, a list's fate (members, deletion), new notifications, credentials that
ended. Payloads carry ids and small facts only (PostgreSQL refuses 8,000 bytes), and each process listens on one
dedicated connection that reconnects by itself; a process whose listener is down still serves its own writes.
"""
import asyncio
import json
import logging
import uuid
from typing import Any

import psycopg
from nicegui import background_tasks, run
from sqlalchemy.engine import make_url

from travelpack_ui.auth.accounts import Accounts
from travelpack_ui.auth.credentials import CredentialEnded
from travelpack_ui.core.db import Database
from travelpack_ui.lists.applier import Change
from travelpack_ui.lists.changelog import changes_after
from travelpack_ui.live.rooms import Room, Rooms
from travelpack_ui.notify.service import Notifications

log = logging.getLogger(__name__)

CHANGES = 'travelpack_changes'
EVENTS = 'travelpack_events'
LISTENER_NAME = 'travelpack-listener'
READER_NAME = 'travelpack-reader'
CHANGES_AFTER = 'SELECT change FROM list_change WHERE list_id = %s AND version > %s ORDER BY version'
PAYLOAD_MAX = 7_000  # bytes; PostgreSQL refuses a NOTIFY payload of 8,000 or more
RETRY_S = (0.1, 0.5, 1.0, 2.0, 5.0)
CONNECT_TIMEOUT_S = 5


class Bridge:
    """This process's link to the others: one listening connection, one sending, one reading the change log."""

    def __init__(self, db: Database, rooms: Rooms, accounts: Accounts, notifications: Notifications, *,
                 heartbeat_s: float) -> None:
        self.url = make_url(db.url).set(drivername='postgresql').render_as_string(hide_password=False)
        self.origin = uuid.uuid4().hex[:12]
        self.rooms = rooms
        self.accounts = accounts
        self.notifications = notifications
        self.refresh_s = heartbeat_s
        """Each process repeats who is on its lists this often; an announcement not repeated within two lapses."""
        self.listening = asyncio.Event()
        self._outgoing: asyncio.Queue[str] = asyncio.Queue()
        self._relaying = False
        self._parts: dict[str, int] = {}  # list id -> how many presence parts were last announced
        self._tasks: list[asyncio.Task[None]] = []
        self.reader = ChangeReader(self.url, db)
        rooms.read_changes = self.reader.changes_after
        rooms.opened.subscribe(self._on_room_opened)
        rooms.lists.lifecycle.subscribe(lambda list_id, what: self._send('access', l=list_id, w=what))
        accounts.credential_ended.subscribe(self._on_credential_ended)
        notifications.counts_changed.subscribe(self._on_counts_changed)

    def start(self) -> None:
        self._tasks = [background_tasks.create(self._listen(), name='PostgreSQL listener'),
                       background_tasks.create(self._speak(), name='PostgreSQL announcer'),
                       background_tasks.create(self._repeat_presence(), name='presence across processes')]

    async def stop(self) -> None:
        """Tell the others this process's visitors are gone, then hang up."""
        self._send('gone')
        try:
            async with await psycopg.AsyncConnection.connect(self.url, autocommit=True,
                                                             connect_timeout=CONNECT_TIMEOUT_S) as connection:
                while not self._outgoing.empty():
                    await self._notify(connection, self._outgoing.get_nowait())
        except psycopg.Error as error:
            log.info('Could not say goodbye to the other processes: %s', error)
        for task in self._tasks:
            task.cancel()
        await self.reader.close()

    # --- listening -----------------------------------------------------------------------------------------------

    async def _listen(self) -> None:
        failures = 0
        heard_before = False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        self.url, autocommit=True, application_name=LISTENER_NAME,
                        connect_timeout=CONNECT_TIMEOUT_S) as connection:
                    await connection.execute(f'LISTEN {CHANGES}')
                    await connection.execute(f'LISTEN {EVENTS}')
                    if heard_before:  # deaf for a while: read what was missed, ask who is here
                        log.info('The PostgreSQL listener is back; the rooms re-read what they missed')
                        self.rooms.catch_up_all()
                        for room in list(self.rooms.rooms.values()):
                            self._on_room_opened(room, subscribe=False)
                    heard_before, failures = True, 0
                    self.listening.set()
                    while True:
                        async for note in connection.notifies(timeout=self.refresh_s):
                            self._dispatch(note.channel, note.payload)
                        # quiet for a while: is the line still there? (TimeoutError is an OSError)
                        await asyncio.wait_for(connection.execute('SELECT 1'), CONNECT_TIMEOUT_S)
            except (psycopg.Error, OSError) as error:
                self.listening.clear()
                delay = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                log.warning('The PostgreSQL listener lost its connection (%s); reconnecting in %.1f s',
                            ' '.join(str(error).split()) or type(error).__name__, delay)
                await asyncio.sleep(delay)

    def _dispatch(self, channel: str, payload: str) -> None:
        try:
            data = json.loads(payload)
            if channel == CHANGES:
                self.rooms.catch_up(data['l'], int(data['v']))
            elif data['o'] != self.origin:
                self._hear(data)
        except (ValueError, KeyError, TypeError) as error:
            log.warning('Ignored a notification on %s that is not ours (%s): %.200s', channel, error, payload)

    def _hear(self, data: dict[str, Any]) -> None:
        kind, origin = data['k'], data['o']
        if kind == 'presence':
            self.rooms.hear_presence(data['l'], f'{origin}/{data["p"]}', data['u'], ttl=2 * self.refresh_s)
        elif kind == 'ask':
            if room := self.rooms.get(data['l']):
                self._announce(room, room.presence.here())
        elif kind == 'access':
            self.rooms.on_lifecycle(data['l'], data['w'])
        elif kind == 'credential':
            self._relaying = True  # the sockets here close; the event is not sent back out
            try:
                self.accounts.credential_ended.emit(CredentialEnded(data['u'], data.get('t')))
            finally:
                self._relaying = False
        elif kind == 'unread':
            self.notifications.refresh(set(data['u']))
        elif kind == 'gone':
            self.rooms.forget_process(origin)

    # --- telling ------------------------------------------------------------------------------------------------

    def _on_room_opened(self, room: Room, *, subscribe: bool = True) -> None:
        if subscribe:  # for the room's whole life, not the life of the page whose visit opened it
            room.presence_here.subscribe(lambda users: self._announce(room, users), unsubscribe_on_delete=False)
        self._send('ask', l=room.list_id)

    def _announce(self, room: Room, users: list[dict[str, Any]]) -> None:
        """Who is on the list through this process, in as many parts as the payload limit needs."""
        parts = _split(users, PAYLOAD_MAX - 200)
        for number in range(max(len(parts), self._parts.get(room.list_id, 0))):
            self._send('presence', l=room.list_id, p=number, u=parts[number] if number < len(parts) else [])
        if parts:
            self._parts[room.list_id] = len(parts)
        else:
            self._parts.pop(room.list_id, None)

    def _on_credential_ended(self, ended: CredentialEnded) -> None:
        if not self._relaying:
            self._send('credential', u=ended.user_id, t=ended.token_id)

    def _on_counts_changed(self, user_ids: list[str]) -> None:
        for chunk in _split(user_ids, PAYLOAD_MAX - 200):
            self._send('unread', u=chunk)

    def _send(self, kind: str, **fields: Any) -> None:
        self._outgoing.put_nowait(json.dumps({'o': self.origin, 'k': kind, **fields}, separators=(',', ':')))

    async def _speak(self) -> None:
        """Send what is queued, in order, on a connection of its own (a listening one is busy waiting)."""
        failures = 0
        unsent: str | None = None  # the one that met a broken connection goes first after reconnecting
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        self.url, autocommit=True, application_name='travelpack-announcer',
                        connect_timeout=CONNECT_TIMEOUT_S) as connection:
                    failures = 0
                    while True:
                        unsent = unsent or await self._outgoing.get()
                        await self._notify(connection, unsent)
                        unsent = None
            except (psycopg.Error, OSError) as error:
                delay = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                log.warning('Could not tell the other processes (%s); trying again in %.1f s',
                            ' '.join(str(error).split()) or type(error).__name__, delay)
                await asyncio.sleep(delay)

    @staticmethod
    async def _notify(connection: psycopg.AsyncConnection[Any], payload: str) -> None:
        await connection.execute('SELECT pg_notify(%s, %s)', (EVENTS, payload))

    async def _repeat_presence(self) -> None:
        """Announcements last two lapses: repeat ours, forget those of processes that went silent."""
        while True:
            await asyncio.sleep(self.refresh_s)
            self.rooms.expire_presence()
            for room in list(self.rooms.rooms.values()):
                if room.announced:
                    self._announce(room, room.announced)


class ChangeReader:
    """Reads the change log on the event loop, one round trip on a connection of its own.

    Every change another process writes is read here, by every process with the list open. Through the pool it
    took a thread hop, a checkout with its ping, BEGIN, the query and ROLLBACK: 2.8 ms at the median under
    `bench/cross_process.py`, against the 30 ms that a change has to reach the other process's tabs. A broken
    connection is replaced at the next read; the read that met it goes through the pool.
    """

    def __init__(self, url: str, db: Database) -> None:
        self.url = url
        self.db = db
        self._connection: psycopg.AsyncConnection[Any] | None = None

    async def changes_after(self, list_id: str, version: int) -> list[Change] | None:
        """The logged changes of a list after `version`, in version order (None: shutting down)."""
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                if self._connection is None or self._connection.closed:
                    self._connection = await psycopg.AsyncConnection.connect(
                        self.url, autocommit=True, application_name=READER_NAME, connect_timeout=CONNECT_TIMEOUT_S)
                cursor = await self._connection.execute(CHANGES_AFTER, (list_id, version))
                return [Change(**change) for (change,) in await cursor.fetchall()]
        except (psycopg.Error, OSError) as error:  # TimeoutError is an OSError
            log.info('The change reader lost its connection (%s); reading through the pool',
                     ' '.join(str(error).split()) or type(error).__name__)
            await self.close()
            return await run.io_bound(changes_after, self.db, list_id, version)

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()


def _split(values: list[Any], limit: int) -> list[list[Any]]:
    """`values` in consecutive parts whose JSON stays under `limit` bytes (no part for an empty list)."""
    parts: list[list[Any]] = []
    size = limit
    for value in values:
        length = len(json.dumps(value, separators=(',', ':')).encode()) + 1
        if size + length > limit:
            parts.append([])
            size = 2
        parts[-1].append(value)
        size += length
    return parts
