"""Two real `python main.py` on one PostgreSQL database, seen from outside through API sockets on each.

A change made through either process reaches the sockets of both, once and in list-version order; presence, focus,
lost access and ended credentials (a revoked token, a deleted account) cross between them; the bin is emptied once;
the listener's and the change reader's connections, killed mid-stream, heal; and a random burst of ops from clients
on both processes leaves every client holding what the database holds.
SQLite is one process: these run on PostgreSQL only.
"""
import asyncio
import random
import re
from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest
from sqlmodel import col, select

from models import OpRecord, PackingList
from tests.support.cluster import (
    BINNED,
    DELIVERY_S,
    HEARD_S,
    Cluster,
    clients,
    closed_within_a_second,
    create,
    pack,
    people,
    put_old_lists_in_the_bin,
    reaches,
    sees,
    session_on,
    terminate_connections,
)
from tests.support.live import sibling_database, two_processes
from tests.support.mailbox import Mailbox
from tests.support.waiting import eventually
from tests.support.ws_client import Api, Message, Socket, comparable, opened, random_op


@pytest.fixture(scope='module')
def cluster(tmp_path_factory: pytest.TempPathFactory, postgres_database: str | None,
            mailbox: Mailbox) -> Iterator[Cluster]:
    """Two processes for the whole module, on a database of their own (each test's `database_url` is reset)."""
    if postgres_database is None:
        pytest.skip('several processes need PostgreSQL; SQLite is one process')
    with sibling_database(postgres_database) as url:
        put_old_lists_in_the_bin(url)
        with two_processes(tmp_path_factory.mktemp('cluster'), url, smtp_port=mailbox.port) as (one, two):
            yield Cluster(one, two, url)


# --- changes ---------------------------------------------------------------------------------------------------------


async def test_a_change_through_either_process_reaches_both_sockets_once_and_in_order(
        cluster: Cluster, mailbox: Mailbox) -> None:
    async with clients(cluster) as (http_one, http_two):
        ana, ben = await people(http_one, mailbox, 'ana', 'ben')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        ben.http = http_two  # Ana talks to process one, Ben to process two
        async with opened(cluster.one, plist['id'], ana.token) as on_one, \
                opened(cluster.two, plist['id'], ben.token) as on_two:
            for socket in (on_one, on_two):
                await socket.expect(lambda m: m['type'] == 'snapshot')
            start = on_one.list['version']
            await on_one.ops(create('Sunscreen'))  # socket, process one
            await on_two.ops(create('Hat'))  # socket, process two
            await ben.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Tent'})  # REST, process two
            await ana.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Map'})  # REST, process one
            final = await ana.get_list(plist['id'])
            for socket, where in ((on_one, 'one'), (on_two, 'two')):
                await reaches(socket, final['version'], where)
                await socket.request({'type': 'ping'}, 'pong')  # a late second copy would have come before this
                versions = [m['version'] for m in socket.messages if m['type'] == 'change']
                assert versions == list(range(start + 1, final['version'] + 1)), f'process {where}: once, in order'
                assert comparable(socket.list) == comparable({**final, 'role': socket.list['role']}), where


# --- presence, focus and access --------------------------------------------------------------------------------------


async def test_presence_and_focus_show_across_processes(cluster: Cluster, mailbox: Mailbox) -> None:
    async with clients(cluster) as (http_one, _):
        ana, ben = await people(http_one, mailbox, 'ana', 'ben')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        tent = await ana.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Tent'})
        await ana.share(plist['id'], ben, 'viewer')

        def focus(m: Message) -> dict[str, str | None] | None:
            return {u['id']: u['item_id'] for u in m['users']} if m['type'] == 'presence' else None

        async with opened(cluster.one, plist['id'], ana.token) as on_one:
            async with opened(cluster.two, plist['id'], ben.token) as on_two:
                both = {ana.id: None, ben.id: None}
                await sees(on_two, lambda m: focus(m) == both, 'Ana (on one) present on two')
                await sees(on_one, lambda m: focus(m) == both, 'Ben (on two) present on one')
                await on_one.send({'type': 'focus', 'item_id': tent['id']})
                await sees(on_two, lambda m: focus(m) == {ana.id: tent['id'], ben.id: None}, "Ana's focus on two")
                await on_two.send({'type': 'focus', 'item_id': tent['id']})
                await sees(on_one, lambda m: focus(m) == {ana.id: tent['id'], ben.id: tent['id']},
                           "Ben's focus on one")
            await sees(on_one, lambda m: focus(m) == {ana.id: tent['id']}, 'Ben, gone from two, gone on one')


@pytest.mark.parametrize('on_two', ['open', 'closed', 'never'],
                         ids=['list open on two', 'list closed on two', 'list never open on two'])
async def test_someone_on_the_list_through_another_process_is_not_told_of_changes_as_if_away(
        cluster: Cluster, mailbox: Mailbox, on_two: str) -> None:
    """Ana looks through process one while Ben packs her items through process two: with the list open there (a
    room that knows she is here), closed there just before (the room gone, what it knew kept), or never opened there
    (a REST call, nobody's tab there). Only what he packs after she left is news to her."""
    async with clients(cluster) as (http_one, http_two), AsyncExitStack() as stack:
        ana, ben = await people(http_one, mailbox, 'ana', 'ben')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        tent, hat = [await ana.post(f'/api/packing-lists/{plist["id"]}/items', {'name': name})
                     for name in ('Tent', 'Hat')]
        await ana.share(plist['id'], ben, 'editor')
        bens = None if on_two == 'never' else await stack.enter_async_context(opened(cluster.two, plist['id'],
                                                                                     ben.token))

        async def ben_packs(item: Message) -> None:
            response = await http_two.patch(f'/api/packing-lists/{plist["id"]}/items/{item["id"]}',
                                            json={'packed': True}, headers=ben.headers)
            assert response.status_code == 200, response.text

        def here(m: Message) -> set[str] | None:
            return {u['id'] for u in m['users']} if m['type'] == 'presence' else None

        async with opened(cluster.one, plist['id'], ana.token) as on_one:
            if bens is None:
                await asyncio.sleep(HEARD_S)  # nothing on two to watch: Ana's announcement takes milliseconds
            else:
                await sees(bens, lambda m: here(m) == {ana.id, ben.id}, 'Ana (on one) present on two')
            if on_two == 'closed':
                assert bens is not None
                await bens.ws.close()
                await sees(on_one, lambda m: here(m) == {ana.id}, "Ben gone from two: the list's room there closed")
            await ben_packs(tent)  # Ana is looking, through process one
            await sees(on_one, lambda m: m['type'] == 'change' and m['entity']['id'] == tent['id'], 'the change')
        if on_two == 'open':
            assert bens is not None
            await sees(bens, lambda m: here(m) == {ben.id}, 'Ana gone from one, gone on two')
        else:
            await asyncio.sleep(HEARD_S)
        await ben_packs(hat)  # Ana is away now

        async def anas_away_news() -> list[str]:  # without the actor's name, which is made up per test
            response = await http_one.get('/api/user/notifications', headers=ana.headers)
            entries = response.json()['items']
            return [e['summary'].split(' ', 1)[1] for e in entries if e['kind'] == 'changed_while_away']
        assert await eventually(anas_away_news, timeout=DELIVERY_S) == ['packed Hat in Lisbon'], \
            'only the change made while she was away'


async def test_removing_a_member_through_one_process_closes_their_socket_on_the_other_within_a_second(
        cluster: Cluster, mailbox: Mailbox) -> None:
    async with clients(cluster) as (http_one, _):
        ana, ben = await people(http_one, mailbox, 'ana', 'ben')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        async with opened(cluster.two, plist['id'], ben.token) as on_two:
            await on_two.expect(lambda m: m['type'] == 'snapshot')
            response = await http_one.delete(f'/api/packing-lists/{plist["id"]}/collaborators/{ben.id}',
                                             headers=ana.headers)
            assert response.status_code == 204
            assert await closed_within_a_second(on_two) == 4403


async def test_deleting_a_list_through_one_process_closes_its_sockets_on_the_other_within_a_second(
        cluster: Cluster, mailbox: Mailbox) -> None:
    async with clients(cluster) as (http_one, _):
        ana, ben = await people(http_one, mailbox, 'ana', 'ben')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        async with opened(cluster.two, plist['id'], ana.token) as owner, \
                opened(cluster.two, plist['id'], ben.token) as editor:
            for socket in (owner, editor):
                await socket.expect(lambda m: m['type'] == 'snapshot')
            response = await http_one.delete(f'/api/packing-lists/{plist["id"]}', headers=ana.headers)
            assert response.status_code == 204
            assert [await closed_within_a_second(owner), await closed_within_a_second(editor)] == [4403, 4403]


# --- credentials that end ------------------------------------------------------------------------------------------


async def test_a_personal_token_revoked_through_one_process_closes_its_socket_on_the_other_within_a_second(
        cluster: Cluster, mailbox: Mailbox) -> None:
    async with clients(cluster) as (http_one, _):
        [ana] = await people(http_one, mailbox, 'ana')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        script = await ana.post('/api/user/tokens', {'name': 'packing script'})
        other = await ana.post('/api/user/tokens', {'name': 'another script'})
        async with opened(cluster.two, plist['id'], script['token']) as revoked, \
                opened(cluster.two, plist['id'], other['token']) as kept:
            for socket in (revoked, kept):
                await socket.expect(lambda m: m['type'] == 'snapshot')
            response = await http_one.delete(f'/api/user/tokens/{script["id"]}', headers=ana.headers)
            assert response.status_code == 204
            assert await closed_within_a_second(revoked) == 4401  # it sent nothing: only the news can close it
            await kept.request({'type': 'ping'}, 'pong')  # her other token still holds


async def test_deleting_an_account_through_one_process_closes_its_sockets_on_the_other_within_a_second(
        cluster: Cluster, mailbox: Mailbox) -> None:
    async with clients(cluster) as (http_one, _):
        ana, ben = await people(http_one, mailbox, 'ana', 'ben')
        anas = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        bens = await ben.post('/api/packing-lists', {'name': 'Porto'})
        await ana.share(anas['id'], ben, 'editor')
        await ben.share(bens['id'], ana, 'editor')
        script = await ben.post('/api/user/tokens', {'name': 'packing script'})
        async with opened(cluster.two, anas['id'], ben.token) as ben_on_anas, \
                opened(cluster.two, bens['id'], script['token']) as script_on_his, \
                opened(cluster.two, bens['id'], ana.token) as ana_on_bens, \
                opened(cluster.two, anas['id'], ana.token) as ana_on_hers:
            for socket in (ben_on_anas, script_on_his, ana_on_bens, ana_on_hers):
                await socket.expect(lambda m: m['type'] == 'snapshot')
            response = await http_one.delete('/api/user/me', headers=ben.headers)
            assert response.status_code == 204
            assert [await closed_within_a_second(ben_on_anas), await closed_within_a_second(script_on_his)] \
                == [4401, 4401], 'his access token and his personal token both ended with his account'
            assert await closed_within_a_second(ana_on_bens) == 4403  # the list he owned went with him
            await ana_on_hers.request({'type': 'ping'}, 'pong')  # hers stays


# --- work done once --------------------------------------------------------------------------------------------------


async def test_the_bin_is_emptied_once_across_processes(cluster: Cluster) -> None:
    """Both processes try at start; the one that takes the purge's lock deletes, the other finds nothing to do."""
    def purges() -> list[int]:
        return [int(n) for server in (cluster.one, cluster.two)
                for n in re.findall(r'Deleted (\d+) lists that were in the bin', server.log())]

    assert await eventually(purges, timeout=DELIVERY_S) == [BINNED]
    assert not any('Could not empty the bin' in server.log() for server in (cluster.one, cluster.two))
    with session_on(cluster.database_url) as session:
        assert session.exec(select(PackingList).where(col(PackingList.name).startswith('Binned '))).all() == []


# --- recovery and convergence ----------------------------------------------------------------------------------------


async def test_after_the_listener_and_reader_connections_are_killed_every_socket_converges_to_the_database(
        cluster: Cluster, mailbox: Mailbox) -> None:
    async with clients(cluster) as (http_one, _), AsyncExitStack() as stack:
        ana, ben = await people(http_one, mailbox, 'ana', 'ben')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        sockets = [await stack.enter_async_context(opened(server, plist['id'], person.token))
                   for server in (cluster.one, cluster.two) for person in (ana, ben)]
        killed: list[int] = []

        async def stream(socket: Socket, who: str) -> None:
            """Create items and pack the ones made before, one batch at a time."""
            made: list[str] = []
            for n in range(24):
                op = create(f'{who} {n}')
                batch = [op] + ([pack(made[-2])] if len(made) > 1 else [])
                ack = await socket.ops(*batch)
                assert {r['status'] for r in ack['results']} <= {'applied', 'conflict'}, ack
                made.append(op['id'])

        async def kill_the_connections() -> None:
            await sockets[0].expect(lambda _: sum(m['type'] == 'ack' for m in sockets[0].messages) >= 8)
            for name in ('travelpack-listener', 'travelpack-reader'):
                killed.append(await asyncio.to_thread(terminate_connections, cluster.database_url, name))

        await asyncio.gather(stream(sockets[0], 'ana'), stream(sockets[3], 'ben'), kill_the_connections())
        assert killed == [2, 2], 'each process listens, and reads the changes of the other, on a connection of its own'
        final = await ana.get_list(plist['id'])
        for n, socket in enumerate(sockets):
            await reaches(socket, final['version'], f'socket {n} on process {"one" if n < 2 else "two"}')
            assert comparable(socket.list) == comparable({**final, 'role': socket.list['role']})


@pytest.mark.parametrize('seed', [7, 2026])
async def test_random_ops_from_clients_on_both_processes_converge_and_no_acknowledged_op_is_lost(
        cluster: Cluster, mailbox: Mailbox, seed: int) -> None:
    rng = random.Random(seed)
    writers = ('ana', 'ben', 'cy', 'dee')
    async with clients(cluster) as (http_one, http_two), AsyncExitStack() as stack:
        team = await people(http_one, mailbox, *writers, 'rest', 'viv')
        owner, rest, viewer = team[0], team[-2], team[-1]
        rest.http = http_two
        plist = await owner.post('/api/packing-lists', {'name': 'Expedition'})
        list_id = plist['id']
        for person in team[1:-1]:
            await owner.share(list_id, person, 'editor')
        await owner.share(list_id, viewer, 'viewer')
        servers = (cluster.one, cluster.two)
        sockets = [await stack.enter_async_context(opened(servers[n % 2], list_id, person.token))
                   for n, person in enumerate(team[:len(writers)])]
        watchers = [await stack.enter_async_context(opened(server, list_id, viewer.token)) for server in servers]
        for socket in (*sockets, *watchers):
            await socket.expect(lambda m: m['type'] == 'snapshot')
        known: dict[str, list[str]] = {'item': [], 'bag': [], 'category': []}
        acked: list[tuple[str, str]] = []  # (user id, op id) of every op answered applied or conflict
        created: list[str] = []

        def note(person: Api, batch: list[Message], results: list[Message]) -> None:
            assert len(results) == len(batch)
            for op, result in zip(batch, results, strict=True):
                if result['status'] in ('applied', 'conflict'):
                    acked.append((person.id, op['op_id']))
                    if op['type'] == 'item.create':
                        created.append(op['id'])

        async def fire(socket: Socket, person: Api, who: str) -> None:
            for n in range(10):
                batch = [random_op(rng, known, who, 10 * n + k) for k in range(rng.randint(1, 4))]
                note(person, batch, (await socket.ops(*batch))['results'])

        async def fire_rest(person: Api) -> None:
            for n in range(6):
                batch = [random_op(rng, known, 'rest', 10 * n + k) for k in range(rng.randint(1, 4))]
                body = await person.post(f'/api/packing-lists/{list_id}/ops', {'ops': batch}, status=200)
                note(person, batch, body['results'])

        await asyncio.gather(*(fire(s, p, w) for s, p, w in zip(sockets, team[:len(writers)], writers, strict=True)),
                             fire_rest(rest))

        final = await owner.get_list(list_id)
        for n, socket in enumerate((*sockets, *watchers)):
            await reaches(socket, final['version'], f'client {n}')
            assert socket.gaps == [], f'client {n}: versions skipped or repeated: {socket.gaps}'
            assert comparable(socket.list) == comparable({**final, 'role': socket.list['role']}), f'client {n}'
        with session_on(cluster.database_url) as session:
            recorded = set(session.exec(select(OpRecord.user_id, OpRecord.op_id)
                                        .where(col(OpRecord.list_id) == list_id)).all())
        assert set(acked) <= recorded
        last_word: dict[str, str] = {}
        for change in (m for m in watchers[0].messages if m['type'] == 'change'):
            if change['op'] in ('item.create', 'item.delete', 'item.restore'):
                last_word[change['entity']['id']] = change['op']
        live = {item['id'] for item in final['items']}
        assert created, 'the burst created nothing: the test proves nothing'
        for item_id in created:
            assert (item_id in live) == (last_word[item_id] != 'item.delete'), item_id


# --- helpers ---------------------------------------------------------------------------------------------------------
