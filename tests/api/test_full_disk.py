"""A full disk: the server answers 503 with `Retry-After`, changes nothing, loses nothing it acknowledged, and
writes again once there is room. SQLite is filled for real: `PRAGMA max_page_count` on the writer's connections
makes it report SQLITE_FULL ("database or disk is full") exactly as a full disk does."""
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.support.helpers import account_of, create_list, services
from travelpack_ui.api.ws_connection import Connection
from travelpack_ui.core.db import cannot_write


@contextmanager
def disk_full_after(pages: int) -> Iterator[None]:
    """Every new writer connection may grow the database file by at most `pages` pages, until the block ends."""
    engine = services().db.writer

    def limit(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        count = cursor.execute('PRAGMA page_count').fetchone()[0]
        cursor.execute(f'PRAGMA max_page_count = {count + pages}')
        cursor.close()
    event.listen(engine, 'connect', limit)
    engine.dispose()  # the pooled connections go; the next write opens one with the limit
    try:
        yield
    finally:
        event.remove(engine, 'connect', limit)
        engine.dispose()


async def test_a_full_disk_answers_503_and_loses_nothing_acknowledged(client, ana) -> None:
    if not services().db.is_sqlite:
        pytest.skip('fills SQLite; PostgreSQL reports a full disk as SQLSTATE 53100, mapped by the same rule')
    plist = await create_list(client, ana)
    url = f'/api/packing-lists/{plist["id"]}/items'
    acknowledged: list[str] = []
    with disk_full_after(pages=20):
        for n in range(400):
            response = await client.post(url, json={'name': f'Item {n}', 'notes': 'n' * 2000}, headers=ana)
            if response.status_code != 201:
                break
            acknowledged.append(response.json()['id'])
        assert response.status_code == 503, response.text
        assert response.json()['code'] == 'unavailable' and response.json()['detail']
        assert int(response.headers['retry-after']) >= 1
        ops = await client.post(f'/api/packing-lists/{plist["id"]}/ops', headers=ana, json={'ops': [
            {'op_id': 'while-full', 'type': 'item.create', 'fields': {'name': 'Late', 'notes': 'n' * 2000}}]})
        assert ops.status_code == 503 and ops.json()['code'] == 'unavailable', ops.text
    assert acknowledged, 'the disk was full before the first item'
    items = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['items']
    assert sorted(i['id'] for i in items) == sorted(acknowledged)  # every acknowledged item, once; no half write
    again = await client.post(f'/api/packing-lists/{plist["id"]}/ops', headers=ana, json={'ops': [
        {'op_id': 'while-full', 'type': 'item.create', 'fields': {'name': 'Late'}}]})
    assert again.json()['results'][0]['status'] == 'applied'  # the refused op left no record: it applies now


async def test_a_full_disk_acks_each_socket_op_as_rejected_unavailable(client, ana) -> None:
    """The WebSocket's frame handler on the real room and op path; only the socket transport is left out (the full
    disk is made in this process, and the in-process app has no WebSocket client)."""
    if not services().db.is_sqlite:
        pytest.skip('fills SQLite')
    plist = await create_list(client, ana)
    user = account_of(ana)
    room = await services().rooms.open(plist['id'])
    connection = Connection(services(), room, user, websocket=None)  # type: ignore[arg-type]
    assert connection.join()
    try:
        ops = [{'op_id': f'socket-{n}', 'type': 'item.create', 'fields': {'name': f'Item {n}', 'notes': 'n' * 2000}}
               for n in range(3)]
        with disk_full_after(pages=0):
            await connection._on_frame(json.dumps({'type': 'ops', 'ops': ops}), None)
        sent = [json.loads(connection.queue.get_nowait()) for _ in range(connection.queue.qsize())]
        ack = next(message for message in sent if message['type'] == 'ack')
        assert [(r['op_id'], r['status'], r['code']) for r in ack['results']] == [
            (op['op_id'], 'rejected', 'unavailable') for op in ops]
    finally:
        connection.part()
    assert (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['items'] == []


def test_postgresql_disk_full_is_the_same_refusal() -> None:
    disk_full = OperationalError('INSERT ...', {}, psycopg.errors.DiskFull('could not extend file'))
    assert cannot_write(disk_full)
    assert not cannot_write(OperationalError('SELECT ...', {}, psycopg.errors.QueryCanceled('canceled')))
