"""The two-process tests' helpers (tests/server/test_two_processes.py): clients on each process, what to wait
for, and the database seen from outside."""
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy import create_engine, text
from sqlmodel import Session

from models import PackingList, utcnow
from tests.support.live import LiveServer
from tests.support.mailbox import Mailbox
from tests.support.ws_client import Api, Message, Socket, http_client, sign_in
from travelpack_ui.core.db import Database

DELIVERY_S = 5.0  # generous for a change, presence or a closing to cross over: the targets are 30 ms and 1 s
HEARD_S = 1.0  # for an announcement to reach a process with nothing to watch it by (it takes milliseconds)
BINNED = 7  # lists in the bin for longer than the bin's days when the processes start


@dataclass
class Cluster:
    one: LiveServer
    two: LiveServer
    database_url: str



@asynccontextmanager
async def clients(cluster: Cluster) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """HTTP clients straight to process one and process two."""
    async with http_client(cluster.one) as one, http_client(cluster.two) as two:
        yield one, two


async def people(http: httpx.AsyncClient, mailbox: Mailbox, *names: str) -> list[Api]:
    """People signed in for one test: addresses of their own, since the module's database outlives the test."""
    tag = uuid.uuid4().hex[:8]
    return [await sign_in(http, mailbox, f'{name}.{tag}@example.com') for name in names]


def create(name: str) -> Message:
    return {'op_id': str(uuid.uuid4()), 'type': 'item.create', 'id': str(uuid.uuid4()), 'fields': {'name': name}}


def pack(item_id: str) -> Message:
    return {'op_id': str(uuid.uuid4()), 'type': 'item.update', 'id': item_id, 'fields': {'packed': True}}


async def sees(socket: Socket, predicate: Callable[[Message], bool], what: str) -> Message:
    """The first message that matches, or a failure that says what did not come across."""
    try:
        return await socket.expect(predicate, timeout=DELIVERY_S)
    except TimeoutError:
        raise AssertionError(f'not seen within {DELIVERY_S} s: {what}') from None


async def reaches(socket: Socket, version: int, where: str) -> None:
    """Wait until the socket's mirror of the list is at `version`, saying where it stopped if it is not."""
    try:
        await socket.expect(lambda _: bool(socket.list) and socket.list['version'] >= version, timeout=DELIVERY_S)
    except TimeoutError:
        at = socket.list.get('version')
        raise AssertionError(f'{where}: stopped at version {at} of {version} (a change did not cross over)') from None


async def closed_within_a_second(socket: Socket) -> int | None:
    try:
        return await socket.close_code(timeout=1.0)
    except TimeoutError:
        raise AssertionError('the socket was still open a second after access ended') from None


def terminate_connections(database_url: str, application_name: str) -> int:
    """Cut every process's connection of this name (the listener, the change reader) to this database, as a network
    blip or a PostgreSQL restart would."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            ended = connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"),
                {'name': application_name}).scalars().all()
        return sum(ended)
    finally:
        engine.dispose()


def put_old_lists_in_the_bin(database_url: str) -> None:
    """Lists the processes must purge as they start (the schema is made here first, as the processes would)."""
    db = Database(database_url)
    try:
        db.migrate()
        with db.write() as session:
            for n in range(BINNED):
                session.add(PackingList(name=f'Binned {n}', deleted_at=utcnow() - timedelta(days=31)))
    finally:
        db.dispose()


@contextmanager
def session_on(database_url: str) -> Iterator[Session]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()
