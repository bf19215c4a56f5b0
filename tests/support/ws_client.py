"""A WebSocket client for tests of the real-time API: it records every message and mirrors the list."""
import asyncio
import copy
import json
import random
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import create_engine
from sqlmodel import Session, col, delete
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from models import ListMember
from tests.support.helpers import token_from
from tests.support.live import LiveServer
from tests.support.mailbox import Mailbox
from tests.support.sharing import join

BUCKETS = {'item': 'items', 'category': 'categories', 'bag': 'bags', 'traveler': 'travelers'}
Message = dict[str, Any]

class Api:
    """One person using the HTTP API of the live server."""

    def __init__(self, http: httpx.AsyncClient, token: str, user_id: str) -> None:
        self.http = http
        self.token = token
        self.id = user_id
        self.headers = {'Authorization': f'Bearer {token}'}

    async def get_list(self, list_id: str) -> Message:
        response = await self.http.get(f'/api/packing-lists/{list_id}', headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def post(self, path: str, body: Message, status: int = 201) -> Message:
        response = await self.http.post(path, json=body, headers=self.headers)
        assert response.status_code == status, response.text
        return response.json()

    async def share(self, list_id: str, member: 'Api', role: str) -> None:
        """Make `member` a collaborator with `role` the way people do: a share link of ours, accepted by them."""
        await join(self.http, self.headers, list_id, member.headers, role)


class Socket:
    """A WebSocket client that records every message and mirrors the list from the snapshot and the changes."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.messages: list[Message] = []
        self.arrived = asyncio.Event()
        self.list: Message = {}  # the mirror, empty until the snapshot arrives
        self.gaps: list[tuple[int, int]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                message = json.loads(text)
                self._mirror(message)
                self.messages.append(message)
                self.arrived.set()
        except ConnectionClosed:
            pass
        finally:
            self.arrived.set()

    def _mirror(self, message: Message) -> None:
        if message['type'] == 'snapshot':
            self.list = copy.deepcopy(message['list'])
            for key in BUCKETS.values():
                self.list[key] = {e['id']: e for e in self.list[key]}
        elif message['type'] == 'change' and self.list:
            if message['version'] != self.list['version'] + 1:  # every version is one change: none lost, none twice
                self.gaps.append((self.list['version'], message['version']))
            self.list['version'] = message['version']
            kind, entity = message['op'].split('.')[0], message['entity']
            if kind == 'list':
                self.list.update({k: v for k, v in entity.items() if k not in ('role', 'owner', 'version')})
            elif entity.get('deleted'):
                self.list[BUCKETS[kind]].pop(entity['id'], None)
            else:
                self.list[BUCKETS[kind]][entity['id']] = entity

    async def send(self, message: Message) -> None:
        await self.ws.send(json.dumps(message))

    async def expect(self, predicate: Callable[[Message], bool], *, after: int = 0, timeout: float = 10.0) -> Message:
        """The first message (from index `after`) that matches, waiting for it."""
        async with asyncio.timeout(timeout):
            while True:
                for message in self.messages[after:]:
                    if predicate(message):
                        return message
                if self.reader.done():
                    raise AssertionError(f'closed ({self.ws.close_code}) before the message came: {self.messages}')
                self.arrived.clear()
                await self.arrived.wait()

    async def request(self, message: Message, answer: str) -> Message:
        """Send and wait for the next message of type `answer` that arrives after it."""
        mark = len(self.messages)
        await self.send(message)
        return await self.expect(lambda m: m['type'] == answer, after=mark)

    async def ops(self, *ops: Any) -> Message:
        """Send a batch (tests also send malformed ops on purpose) and wait for its ack."""
        return await self.request({'type': 'ops', 'ops': list(ops)}, 'ack')

    async def close_code(self, timeout: float = 10.0) -> int | None:
        async with asyncio.timeout(timeout):
            await self.ws.wait_closed()
        return self.ws.close_code

    async def until_version(self, version: int) -> None:
        await self.expect(lambda _: bool(self.list) and self.list['version'] >= version)


def ws_url(server: LiveServer, list_id: str, token: str | None) -> str:
    query = f'?token={token}' if token is not None else ''
    return f'ws://127.0.0.1:{server.port}/api/packing-lists/{list_id}/ws{query}'


@asynccontextmanager
async def opened(server: LiveServer, list_id: str, token: str | None, origin: str | None = None
                 ) -> AsyncIterator[Socket]:
    async with connect(ws_url(server, list_id, token), origin=Origin(origin) if origin else None, proxy=None,
                       max_size=None) as ws:
        socket = Socket(ws)
        try:
            yield socket
        finally:
            socket.reader.cancel()


@asynccontextmanager
async def http_client(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{server.port}', timeout=20) as http:
        yield http


async def sign_in(http: httpx.AsyncClient, mailbox: Mailbox, email: str) -> Api:
    count = len(mailbox.to(email)) + 1
    assert (await http.post('/api/auth/magic-link', json={'email': email})).status_code == 202
    link = await mailbox.link_for(email, count=count, containing='/auth/magic')
    response = await http.post('/api/auth/token', json={'token': token_from(link)})
    assert response.status_code == 200, response.text
    token = response.json()['access_token']
    me = await http.get('/api/user/me', headers={'Authorization': f'Bearer {token}'})
    return Api(http, token, me.json()['id'])


def remove_member_behind_the_servers_back(database_url: str, list_id: str, user_id: str) -> None:
    """Delete a membership straight in the database, so that no event tells the server (a test of its re-checks)."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            session.exec(delete(ListMember).where(col(ListMember.list_id) == list_id,
                                                  col(ListMember.user_id) == user_id))
            session.commit()
    finally:
        engine.dispose()


def comparable(plist: Message) -> Message:
    """A list as the API gives it, with entity arrays keyed by id, minus the list's own activity stamps.

    The list's `updated_at`/`updated_by` move with every change inside it but only `list.update` carries them.
    """
    data = {k: v for k, v in plist.items() if k not in ('updated_at', 'updated_by')}
    for key in BUCKETS.values():
        if isinstance(data[key], list):
            data[key] = {e['id']: e for e in data[key]}
    return data


def random_op(rng: random.Random, known: dict[str, list[str]], author: str, n: int) -> Message:
    """One plausible op: mostly item changes, sometimes a bag or category, sometimes on something deleted."""
    op_id = f'{author}-{n}'
    roll = rng.random()
    if roll < 0.3 or not known['item']:
        item_id = str(uuid.uuid4())
        known['item'].append(item_id)
        fields: Message = {'name': f'{author} thing {n}', 'quantity': rng.randint(1, 5)}
        if known['bag'] and rng.random() < 0.5:
            fields['bag_id'] = rng.choice(known['bag'])
        return {'op_id': op_id, 'type': 'item.create', 'id': item_id, 'fields': fields}
    if roll < 0.4:
        kind = rng.choice(['bag', 'category'])
        entity_id = str(uuid.uuid4())
        known[kind].append(entity_id)
        return {'op_id': op_id, 'type': f'{kind}.create', 'id': entity_id, 'fields': {'name': f'{kind} {n}'}}
    if roll < 0.45 and known['bag']:
        return {'op_id': op_id, 'type': 'bag.delete', 'id': rng.choice(known['bag'])}
    item_id = rng.choice(known['item'])
    if roll < 0.55:
        return {'op_id': op_id, 'type': 'item.delete', 'id': item_id}
    if roll < 0.6:
        return {'op_id': op_id, 'type': 'item.restore', 'id': item_id}
    field, value = rng.choice([('quantity', rng.randint(0, 9)), ('packed', rng.random() < 0.5),
                               ('name', f'renamed by {author} {n}'), ('notes', f'note {n}')])
    return {'op_id': op_id, 'type': 'item.update', 'id': item_id, 'fields': {field: value}, 'base_version': 0}
