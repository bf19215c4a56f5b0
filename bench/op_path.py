"""The op path alone, in-process: the writer thread's cost per op, without a server, sockets or tabs.

    .venv/bin/python bench/op_path.py                       # SQLite in a temporary dir, 5 runs
    .venv/bin/python bench/op_path.py --runs 7 --ops 1000 --clicks 300
    .venv/bin/python bench/op_path.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Each run makes a fresh database (on PostgreSQL a database of its own next to the one named in the URL, dropped
after), a user and a list with categories and items, then applies a replay-like mix of ops (creates, updates of new
and old items, packs, deletes) through `OpService.apply`: first `--ops` ops in batches of 200 (an offline outbox),
then `--clicks` ops one per call (clicks in a tab). It prints µs per op, median of the runs: wall time, CPU of the
whole process, and CPU of the writer thread alone (what holds the GIL while other tabs wait).
"""
import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from models import ListCreate, Op, User
from travelpack_ui.core.db import Database
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.ops import OpService
from travelpack_ui.lists.service import ListService

BATCH = 200  # ops per `apply`, as a tab's outbox sends them
SEED_ITEMS = 100


class Mix:
    """A replay-like stream of ops on one list: it remembers what it created, to update and delete it later."""

    def __init__(self, categories: list[str], items: list[str]) -> None:
        self.categories = categories
        self.items = items
        self.created: list[str] = []
        self.count = 0

    def take(self, count: int) -> list[Op]:
        return [self._next() for _ in range(count)]

    def _next(self) -> Op:
        self.count += 1
        kind = self.count % 5
        if kind in (0, 1) or not self.created:
            self.created.append(str(uuid.uuid4()))
            fields: dict[str, Any] = {'name': f'Item {self.count}'}
            if kind == 0:
                fields['category_id'] = self.categories[self.count % len(self.categories)]
            return self._op('item.create', self.created[-1], fields)
        if kind == 2:
            return self._op('item.update', self.created[-1], {'quantity': 2, 'packed': True})
        if kind == 3:
            return self._op('item.update', self.items[self.count % len(self.items)],
                            {'notes': f'note {self.count}', 'packed': self.count % 2 == 0})
        return self._op('item.delete', self.created.pop(0), None)

    @staticmethod
    def _op(type_: str, entity_id: str, fields: dict[str, Any] | None) -> Op:
        return Op.model_validate({'op_id': str(uuid.uuid4()), 'type': type_, 'id': entity_id, 'fields': fields})


async def one_run(url: str, ops: int, clicks: int) -> dict[str, tuple[float, float, float]]:
    """µs per op (wall, process CPU, writer thread CPU) for each shape, on a fresh database at `url`."""
    db = Database(url)
    db.migrate()
    writer = Writer(db)
    service = OpService(db, writer)
    lists = ListService(db, writer)
    user = User(email=f'{uuid.uuid4().hex}@example.com', display_name='Bench')

    def add_user(session: Any) -> None:
        session.add(user)
    await writer.run(add_user)
    list_id = (await lists.create(ListCreate(name='Bench'), user=user))['id']
    categories = [str(uuid.uuid4()) for _ in range(4)]
    items = [str(uuid.uuid4()) for _ in range(SEED_ITEMS)]
    seed = [Mix._op('category.create', c, {'name': f'Category {n}'}) for n, c in enumerate(categories)]
    seed += [Mix._op('item.create', i, {'name': f'Seed {n}', 'category_id': categories[n % 4]})
             for n, i in enumerate(items)]
    await service.apply(list_id, seed, user=user)
    mix = Mix(categories, items)
    figures = {}
    try:
        batches = [mix.take(BATCH) for _ in range(max(1, ops // BATCH))]
        figures['batch'] = await timed(service, writer, list_id, user, batches)
        figures['single'] = await timed(service, writer, list_id, user, [[op] for op in mix.take(clicks)])
    finally:
        writer.close()
        db.dispose()
    return figures


async def timed(service: OpService, writer: Writer, list_id: str, user: User, batches: list[list[Op]]
                ) -> tuple[float, float, float]:
    """Apply the batches one after another; µs per op of wall time, process CPU and the writer thread's CPU."""
    loop = asyncio.get_running_loop()
    wall, cpu, thread = time.perf_counter(), time.process_time(), await loop.run_in_executor(writer.executor,
                                                                                            time.thread_time)
    for batch in batches:
        results = (await service.apply(list_id, batch, user=user)).results
        refused = [r for r in results if r.status != 'applied']
        assert not refused, refused[:3]
    thread = await loop.run_in_executor(writer.executor, time.thread_time) - thread
    count = sum(map(len, batches))
    return ((time.perf_counter() - wall) / count * 1e6, (time.process_time() - cpu) / count * 1e6,
            thread / count * 1e6)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ops', type=int, default=1000, help='ops applied in batches of 200')
    parser.add_argument('--clicks', type=int, default=300, help='ops applied one per call')
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--database-url', help='PostgreSQL server to use (default: SQLite in a temporary dir)')
    args = parser.parse_args()
    runs: list[dict[str, tuple[float, float, float]]] = []
    for run in range(args.runs):
        with fresh_database(args.database_url, run) as url:
            runs.append(await one_run(url, args.ops, args.clicks))
    print(f'{"SQLite" if args.database_url is None else "PostgreSQL"}, median of {args.runs} runs '
          f'({args.ops} ops in batches of {BATCH}, {args.clicks} single ops)')
    for shape in ('batch', 'single'):
        wall, cpu, thread = (statistics.median(r[shape][n] for r in runs) for n in range(3))
        print(f'  {shape:6}  {wall:7.0f} µs/op wall  {cpu:7.0f} µs/op CPU  {thread:7.0f} µs/op writer thread CPU')


class fresh_database:
    """A temporary SQLite file, or a PostgreSQL database created for the run and dropped after it."""

    def __init__(self, server_url: str | None, run: int) -> None:
        self.server_url = server_url
        self.name = f'bench_op_path_{run}_{uuid.uuid4().hex[:8]}'
        self.tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> str:
        if self.server_url is None:
            self.tmp = tempfile.TemporaryDirectory()
            return f'sqlite:///{self.tmp.name}/bench.db'
        self._admin(f'CREATE DATABASE {self.name}')
        return make_url(self.server_url).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *_: object) -> None:
        if self.tmp is not None:
            self.tmp.cleanup()
        else:
            self._admin(f'DROP DATABASE IF EXISTS {self.name} WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        assert self.server_url is not None
        engine = create_engine(self.server_url, isolation_level='AUTOCOMMIT')
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()


if __name__ == '__main__':
    asyncio.run(main())
