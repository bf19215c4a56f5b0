"""Randomized convergence over the real-time API: several clients fire ops at once, others join mid-burst.

Afterwards every accepted create is still there (unless the change stream's last word on it is a delete), and
every client's view, built from its snapshot and the changes it was sent, equals the database.
"""
import asyncio
import random
from contextlib import AsyncExitStack

import pytest

from tests.support.ws_client import (
    Api,
    Message,
    Socket,
    comparable,
    http_client,
    opened,
    random_op,
    set_member,
    sign_in,
)

WRITERS = ('ana', 'ben', 'cy', 'dee')


@pytest.mark.parametrize('seed', [11, 2024])
async def test_every_client_converges_on_the_database_and_no_accepted_create_is_lost(
        server, mailbox, database_url, seed: int) -> None:
    rng = random.Random(seed)
    async with http_client(server) as http, AsyncExitStack() as stack:
        people = [await sign_in(http, mailbox, f'{name}@example.com') for name in (*WRITERS, 'rest', 'viv')]
        owner, rest, viewer = people[0], people[-2], people[-1]
        plist = await owner.post('/api/packing-lists', {'name': 'Expedition'})
        list_id = plist['id']
        for person in people[1:-1]:
            set_member(database_url, list_id, person.id, 'editor')
        set_member(database_url, list_id, viewer.id, 'viewer')
        sockets = [await stack.enter_async_context(opened(server, list_id, p.token)) for p in people[:len(WRITERS)]]
        late: list[Socket] = []
        known: dict[str, list[str]] = {'item': [], 'bag': [], 'category': []}
        created: list[str] = []

        async def fire(socket: Socket, who: str) -> None:
            for n in range(12):
                batch = [random_op(rng, known, who, 10 * n + k) for k in range(rng.randint(1, 5))]
                if rng.random() < 0.1:
                    batch.append({'op_id': f'{who}-{n}-list', 'type': 'list.update',
                                  'fields': {'destination': f'{who} {n}'}})
                ack = await socket.ops(*batch)
                assert len(ack['results']) == len(batch)
                created.extend(op['id'] for op, result in zip(batch, ack['results'], strict=True)
                               if op['type'] == 'item.create' and result['status'] in ('applied', 'conflict'))

        async def fire_rest(person: Api) -> None:
            for n in range(8):
                batch = [random_op(rng, known, 'rest', 10 * n + k) for k in range(rng.randint(1, 5))]
                body = await person.post(f'/api/packing-lists/{list_id}/ops', {'ops': batch}, status=200)
                created.extend(op['id'] for op, result in zip(batch, body['results'], strict=True)
                               if op['type'] == 'item.create' and result['status'] in ('applied', 'conflict'))

        async def join_late(person: Api) -> None:
            """Join while changes are flowing: the snapshot and the changes after it neither overlap nor miss."""
            for acks in (2, 5, 8):
                def acked(_: Message, n: int = acks) -> bool:
                    return sum(m['type'] == 'ack' for m in sockets[0].messages) >= n
                await sockets[0].expect(acked)
                late.append(await stack.enter_async_context(opened(server, list_id, person.token)))

        await asyncio.gather(*(fire(s, who) for s, who in zip(sockets, WRITERS, strict=True)), fire_rest(rest),
                             join_late(viewer))

        final = await owner.get_list(list_id)
        last_word: dict[str, str] = {}
        for socket in (*sockets, *late):
            await socket.until_version(final['version'])
            assert socket.gaps == [], f'versions skipped or repeated: {socket.gaps}'
            assert comparable(socket.list) == comparable({**final, 'role': socket.list['role']})
        stream: list[Message] = [m for m in sockets[0].messages if m['type'] == 'change']
        assert [m['version'] for m in stream] == list(range(plist['version'] + 1, final['version'] + 1))
        for change in stream:
            if change['op'] in ('item.create', 'item.delete', 'item.restore'):
                last_word[change['entity']['id']] = change['op']
        live = {item['id'] for item in final['items']}
        assert created, 'the burst created nothing: the test proves nothing'
        for item_id in created:
            assert (item_id in live) == (last_word[item_id] != 'item.delete'), item_id
