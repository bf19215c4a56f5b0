"""Work that must happen once across processes on one PostgreSQL database: migrations at start, the bin purge.

Each `Database` here has engines of its own, as a second `python main.py` would; SQLite is one process (its
lock is tested in tests/server/test_single_process.py), so these run on PostgreSQL only.
"""
import asyncio
import threading
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, text

from models import PackingList, utcnow
from tests.unit.test_migrations import alembic_config
from travelpack_ui.core.db import PURGE_LOCK, Database
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.service import ListService


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if database_url.startswith('sqlite'):
        pytest.skip('several processes share work through PostgreSQL; SQLite is one process')
    return database_url


def test_two_processes_starting_together_migrate_once_and_both_start(postgres_url: str) -> None:
    databases = [Database(postgres_url), Database(postgres_url)]
    start, errors = threading.Barrier(2), []

    def start_up(db: Database) -> None:
        start.wait()
        try:
            db.migrate()
        except Exception as error:  # the test reports whatever a racing upgrade raised
            errors.append(error)

    threads = [threading.Thread(target=start_up, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        tables = set(inspect(databases[0].reader).get_table_names())
        assert {'packing_list', 'item', 'list_member', 'op_record'} <= tables
        command.check(alembic_config(postgres_url))  # the schema is exactly the models', applied once
        with databases[1].read() as session:
            assert session.execute(text('SELECT count(*) FROM alembic_version')).scalar() == 1
    finally:
        for db in databases:
            db.dispose()


async def test_two_purgers_on_one_database_purge_each_old_list_once(postgres_url: str) -> None:
    first, second = Database(postgres_url), Database(postgres_url)
    first.migrate()
    writers = [Writer(first), Writer(second)]
    purgers = [ListService(first, writers[0], bin_days=30), ListService(second, writers[1], bin_days=30)]
    try:
        with first.write() as session:
            for n in range(20):
                session.add(PackingList(name=f'Old {n}', deleted_at=utcnow() - timedelta(days=31)))
        counts = await asyncio.gather(*(purger.purge_bin() for purger in purgers))
        assert sum(counts) == 20
        with first.read() as session:
            assert session.execute(text('SELECT count(*) FROM packing_list')).scalar() == 0
    finally:
        for writer in writers:
            writer.close()
        first.dispose()
        second.dispose()


async def test_a_purger_skips_while_another_process_holds_the_purge(postgres_url: str) -> None:
    db = Database(postgres_url)
    db.migrate()
    writer = Writer(db)
    purger = ListService(db, writer, bin_days=30)
    other = Database(postgres_url)
    try:
        with db.write() as session:
            session.add(PackingList(name='Old', deleted_at=utcnow() - timedelta(days=31)))
        with other.write() as busy:  # another process is in the middle of its purge
            assert other.try_job_lock(busy, PURGE_LOCK)
            assert await purger.purge_bin() == 0
        assert await purger.purge_bin() == 1  # its transaction ended, and with it the lock
    finally:
        writer.close()
        db.dispose()
        other.dispose()
