"""`kill -9` under load: nothing the server acknowledged is lost, and nothing is applied twice.

A script streams item creations over the real-time API while the server is killed with SIGKILL three times and
restarted on the same data dir and database (SQLite here, PostgreSQL when TRAVELPACK_TEST_POSTGRES_URL is set).
After each kill the script reconnects and resends what was not acknowledged yet, as a client must (op ids make
that safe). At the end every acknowledged op's item is in the database exactly once, each op id is recorded once,
and the list's version counts exactly the items created.
"""
import asyncio
import contextlib
import logging
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlmodel import Session, col, select
from websockets.exceptions import ConnectionClosed

from models import Item, OpRecord
from tests.support.live import LiveServer, live_server
from tests.support.mailbox import Mailbox
from tests.support.ws_client import http_client, opened, sign_in

KILLS = 3
ACKED_BETWEEN_KILLS = 25
BATCH = 3


class Restartable:
    """A live server that can be killed with SIGKILL and started again on the same data dir and database."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.env = env
        self.running: contextlib.AbstractContextManager[LiveServer] | None = None
        self.server: LiveServer | None = None
        self.up = asyncio.Event()

    async def start(self) -> LiveServer:
        self.running = live_server(self.data_dir, env=self.env)
        self.server = await asyncio.to_thread(self.running.__enter__)
        self.up.set()
        return self.server

    async def kill(self) -> None:
        assert self.server is not None and self.running is not None
        self.up.clear()
        self.server.process.kill()  # SIGKILL: no shutdown handler, no flush, no goodbye
        await asyncio.to_thread(self.server.process.wait)
        self.running.__exit__(None, None, None)

    async def stop(self) -> None:
        if self.running is not None:
            await asyncio.to_thread(self.running.__exit__, None, None, None)


async def test_every_acknowledged_op_survives_kill_9_exactly_once(tmp_path: Path, database_url: str,
                                                                 mailbox: Mailbox) -> None:
    env = {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
           'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false'}
    servers = Restartable(tmp_path / 'live', env)
    server = await servers.start()
    try:
        async with http_client(server) as http:
            ana = await sign_in(http, mailbox, 'ana@example.com')  # her JWT outlives restarts: same key on disk
            plist = await ana.post('/api/packing-lists', {'name': 'Crash test'})
        start_version = plist['version']
        acked: dict[str, str] = {}  # op id → status of its first acknowledgement
        pending: dict[str, list[dict[str, Any]]] = {'a': [], 'b': []}  # two streams: a kill finds work in flight
        kills_done = 0

        def done() -> bool:
            return kills_done == KILLS and len(acked) >= (KILLS + 1) * ACKED_BETWEEN_KILLS

        async def stream(name: str) -> None:
            """Send batches; on a lost connection, wait for the next server and resend what was not acked."""
            mine, n = pending[name], 0
            while mine or not done():  # a batch lost with a connection is resent, even after the target
                await servers.up.wait()
                assert servers.server is not None
                try:
                    async with opened(servers.server, plist['id'], ana.token) as socket:
                        await socket.expect(lambda m: m['type'] == 'snapshot', timeout=30)
                        while mine or not done():
                            if not mine:
                                mine.extend(create(f'{name}{n + k}') for k in range(BATCH))
                                n += BATCH
                            ack = await socket.ops(*mine)
                            statuses = {r['op_id']: r['status'] for r in ack['results']}
                            assert set(statuses.values()) <= {'applied', 'duplicate'}, ack
                            for op_id, status in statuses.items():
                                acked.setdefault(op_id, status)
                            mine.clear()
                except (ConnectionClosed, OSError, AssertionError, TimeoutError) as lost:
                    if isinstance(lost, AssertionError) and 'closed' not in str(lost):
                        raise
                    await asyncio.sleep(0)  # reconnect once the killer has started the next server

        async def killer() -> None:
            nonlocal kills_done
            for round_ in range(1, KILLS + 1):
                while len(acked) < round_ * ACKED_BETWEEN_KILLS:
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.07 * round_)  # a different moment of the streams' work each time
                await servers.kill()  # while the streams keep sending
                kills_done = round_
                await servers.start()

        await asyncio.wait_for(asyncio.gather(stream('a'), stream('b'), killer()), timeout=150)
        assert not any(pending.values())
        assert kills_done == KILLS and len(acked) >= (KILLS + 1) * ACKED_BETWEEN_KILLS

        names = Counter(item.name for item in items_in(database_url, plist['id']))
        assert all(names[op_id] == 1 for op_id in acked), {k: names[k] for k in acked if names[k] != 1}
        assert set(names) == set(acked)  # nothing unacknowledged slipped in either
        assert Counter(op_ids_in(database_url, plist['id'])) == Counter(list(acked))
        async with http_client(servers.server) as http:  # type: ignore[arg-type]
            ana.http = http
            after = await ana.get_list(plist['id'])
        assert after['version'] == start_version + len(acked)
        logging.getLogger(__name__).info('%d ops acknowledged across %d kills, %d of them first as duplicate',
                                         len(acked), KILLS, list(acked.values()).count('duplicate'))
    finally:
        await servers.stop()


def create(n: str) -> dict[str, Any]:
    op_id = f'kill9-{n}-{uuid.uuid4().hex[:8]}'
    return {'op_id': op_id, 'type': 'item.create', 'id': str(uuid.uuid4()), 'fields': {'name': op_id}}


def items_in(database_url: str, list_id: str) -> list[Item]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(Item).where(col(Item.list_id) == list_id)).all())
    finally:
        engine.dispose()


def op_ids_in(database_url: str, list_id: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(OpRecord.op_id).where(col(OpRecord.list_id) == list_id)).all())
    finally:
        engine.dispose()
