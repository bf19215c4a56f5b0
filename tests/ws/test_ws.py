"""The real-time API (`WS /api/packing-lists/{id}/ws`) against a real server, as a script or an app uses it."""
import asyncio
import random
import uuid

from tests.support.ws_client import Message, Socket, comparable, http_client, opened, random_op, sign_in

# --- snapshot and changes ------------------------------------------------------------------------------------------


async def test_snapshot_first_then_each_change_with_the_list_version(server, mailbox) -> None:
    async with http_client(server) as http:
        ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Sunscreen'})
        await ana.share(plist['id'], ben, 'editor')
        async with opened(server, plist['id'], ana.token) as socket:
            first = await socket.expect(lambda _: True)
            assert first['type'] == 'snapshot'
            assert comparable(first['list']) == comparable(await ana.get_list(plist['id']))
            assert first['list']['role'] == 'owner' and first['list']['owner']['id'] == ana.id

            tent = await ben.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Tent'})
            change = await socket.expect(lambda m: m['type'] == 'change')
            after = await ana.get_list(plist['id'])
            assert change['op'] == 'item.create' and change['entity']['id'] == tent['id']
            assert change['actor']['id'] == ben.id and change['actor']['display_name']
            assert change['version'] == after['version'] == first['list']['version'] + 1
            assert comparable(socket.list) == comparable(after)


async def test_a_personal_access_token_opens_the_socket_too(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        pat = (await ana.post('/api/user/tokens', {'name': 'script'}))['token']
        async with opened(server, plist['id'], pat) as socket:
            assert (await socket.expect(lambda _: True))['type'] == 'snapshot'
        assert pat not in server.log() and 'token=[redacted]' in server.log()  # the query string is logged


async def test_a_mirror_of_snapshot_and_changes_equals_the_server_after_a_burst(server, mailbox) -> None:
    """Three editors fire ops over their sockets and REST at once; every socket ends holding the server's list."""
    async with http_client(server) as http:
        people = [await sign_in(http, mailbox, f'{name}@example.com') for name in ('ana', 'ben', 'cy')]
        plist = await people[0].post('/api/packing-lists', {'name': 'Road trip'})
        for person in people[1:]:
            await people[0].share(plist['id'], person, 'editor')
        rng = random.Random(4)
        list_id = plist['id']
        async with opened(server, list_id, people[0].token) as a, opened(server, list_id, people[1].token) as b, \
                opened(server, list_id, people[2].token) as watcher:
            known: dict[str, list[str]] = {'item': [], 'bag': [], 'category': []}
            batches = [[random_op(rng, known, f'p{who}', 10 * who + n) for n in range(rng.randint(1, 4))]
                       for who in range(30)]

            async def fire(socket: Socket, mine: list[list[Message]]) -> None:
                for batch in mine:
                    await socket.ops(*batch)

            async def fire_rest(mine: list[list[Message]]) -> None:
                for batch in mine:
                    await people[2].post(f'/api/packing-lists/{plist["id"]}/ops', {'ops': batch}, status=200)
            await asyncio.gather(fire(a, batches[0::3]), fire(b, batches[1::3]), fire_rest(batches[2::3]))
            final = await people[0].get_list(plist['id'])
            for socket in (a, b, watcher):
                await socket.until_version(final['version'])
                assert socket.gaps == []
                assert comparable(socket.list) == comparable({**final, 'role': socket.list['role']})


# --- ops and acks --------------------------------------------------------------------------------------------------


async def test_ops_are_acked_in_order_and_a_replay_is_a_duplicate(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        async with opened(server, plist['id'], ana.token) as socket:
            item_id = str(uuid.uuid4())
            create = {'op_id': 'c1', 'type': 'item.create', 'id': item_id, 'fields': {'name': 'Socks'}}
            ack = await socket.ops(
                create,
                {'op_id': 'bad', 'type': 'item.explode'},
                {'op_id': 'u1', 'type': 'item.update', 'id': item_id, 'fields': {'quantity': 3}},
                {'op_id': 'u2', 'type': 'item.update', 'id': str(uuid.uuid4()), 'fields': {'quantity': 3}},
                'not an op')
            results = ack['results']
            assert [r['op_id'] for r in results] == ['c1', 'bad', 'u1', 'u2', '?']
            assert [r['status'] for r in results] == ['applied', 'rejected', 'applied', 'rejected', 'rejected']
            assert results[1]['code'] == 'invalid' and 'type' in results[1]['detail']
            assert results[3]['code'] == 'not_found'
            assert results[2]['entity']['quantity'] == 3
            version = (await ana.get_list(plist['id']))['version']
            assert ack['version'] == version

            again = await socket.ops(create)
            assert again['results'][0]['status'] == 'duplicate'
            assert again['results'][0]['entity']['id'] == item_id
            assert len((await ana.get_list(plist['id']))['items']) == 1
            await socket.until_version(version)
            assert list(socket.list['items']) == [item_id]


async def test_a_viewer_gets_every_op_rejected(server, mailbox) -> None:
    async with http_client(server) as http:
        ana, vic = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'vic@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], vic, 'viewer')
        async with opened(server, plist['id'], vic.token) as socket:
            assert (await socket.expect(lambda m: m['type'] == 'snapshot'))['list']['role'] == 'viewer'
            ack = await socket.ops({'op_id': '1', 'type': 'item.create', 'fields': {'name': 'Socks'}},
                                   {'op_id': '2', 'type': 'list.update', 'fields': {'name': 'Mine now'}})
            assert [(r['op_id'], r['status'], r['code']) for r in ack['results']] == [
                ('1', 'rejected', 'forbidden'), ('2', 'rejected', 'forbidden')]
            after = await ana.get_list(plist['id'])
            assert after['items'] == [] and after['name'] == 'Lisbon'


async def test_bad_messages_get_an_error_and_the_socket_stays_open(server, mailbox) -> None:
    """JSON of the wrong shape is answered; what is not JSON at all closes with 4400 (test_ws_hardening.py)."""
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        async with opened(server, plist['id'], ana.token) as socket:
            for bad in ({'type': 'dance'}, ['ops'], {'type': 'ops', 'ops': 'all of them'}):
                error = await socket.request(bad, 'error')  # type: ignore[arg-type]
                assert error['code'] in ('unknown_type', 'invalid') and error['detail']
            assert await socket.request({'type': 'ping'}, 'pong') == {'type': 'pong'}


# --- presence and focus --------------------------------------------------------------------------------------------


async def test_presence_lists_each_connected_user_once_with_their_focus(server, mailbox) -> None:
    async with http_client(server) as http:
        ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        tent = await ana.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Tent'})
        await ana.share(plist['id'], ben, 'viewer')

        def both_here(m: Message) -> bool:
            return m['type'] == 'presence' and sorted(u['id'] for u in m['users']) == sorted([ana.id, ben.id])
        async with opened(server, plist['id'], ana.token) as ana_1, opened(server, plist['id'], ana.token), \
                opened(server, plist['id'], ben.token) as ben_socket:
            presence = await ben_socket.expect(both_here)
            assert all(u['item_id'] is None and u['initials'] and u['color'] and u['display_name']
                       for u in presence['users'])

            await ben_socket.send({'type': 'focus', 'item_id': 'not-an-item'})
            await ben_socket.send({'type': 'focus', 'item_id': tent['id']})
            focused = await ana_1.expect(lambda m: both_here(m) and any(u['item_id'] for u in m['users']))
            assert {u['id']: u['item_id'] for u in focused['users']} == {ana.id: None, ben.id: tent['id']}
            await ben_socket.send({'type': 'focus', 'item_id': None})
            await ana_1.expect(lambda m: both_here(m) and all(u['item_id'] is None for u in m['users']))
        async with opened(server, plist['id'], ana.token) as alone:
            await alone.expect(lambda m: m['type'] == 'presence' and [u['id'] for u in m['users']] == [ana.id])
        seen = [u['item_id'] for s in (ana_1, ben_socket) for m in s.messages if m['type'] == 'presence'
                for u in m['users']]
        assert 'not-an-item' not in seen


async def test_ping_answers_pong(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        async with opened(server, plist['id'], ana.token) as socket:
            assert await socket.request({'type': 'ping'}, 'pong') == {'type': 'pong'}
            pong = await socket.ws.ping()  # the protocol's own ping frames are answered too
            await asyncio.wait_for(pong, 10)
