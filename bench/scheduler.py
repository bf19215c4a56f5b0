"""How long the scheduler takes to find due digests: 10,000 members over 1,000 lists, 100,000 activity rows.

Seeds a migrated database directly (bulk inserts, no server), then times the one query a scheduler pass runs
(`travelpack_ui.notify.digests.due_digests`) several times, and prints the median, p99 and the query plan.

    .venv/bin/python bench/scheduler.py                       # SQLite in a temporary directory
    .venv/bin/python bench/scheduler.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, insert, text, update
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from models import Activity, ListMember, PackingList, User, utcnow
from travelpack_ui.core.db import Database
from travelpack_ui.notify.digests import due_digests


def seed(db: Database, *, lists: int, members: int, activities: int, rng: random.Random) -> None:
    """Members spread evenly over the lists; activity over the last two days by random members; last looks random."""
    now = utcnow()
    per_list = members // lists
    users = [{'id': f'u{n:06d}', 'email': f'p{n}@example.com', 'display_name': f'Person {n}', 'units': 'metric',
              'created_at': now} for n in range(members)]
    plists = [{'id': f'l{n:05d}', 'name': f'List {n}', 'version': 0, 'created_at': now, 'updated_at': now,
               'field_versions': {}} for n in range(lists)]
    rows = []
    for n, user in enumerate(users):
        seen = now - timedelta(seconds=rng.uniform(0, 3 * 86400))
        rows.append({'list_id': plists[n // per_list]['id'], 'user_id': user['id'], 'role': 'editor',
                     'added_at': now - timedelta(days=7), 'welcomed': True, 'muted': False, 'last_seen_at': seen,
                     'digest_sent_at': seen if rng.random() < 0.3 else None})
    changes: list[dict[str, Any]] = []
    last_change = [now - timedelta(days=3)] * lists  # every op bumps its list's updated_at
    for n in range(activities):
        list_n = rng.randrange(lists)
        at = now - timedelta(seconds=rng.uniform(0, 2 * 86400))
        last_change[list_n] = max(last_change[list_n], at)
        changes.append({'list_id': plists[list_n]['id'], 'actor_id': users[list_n * per_list + rng.randrange(per_list)]
                        ['id'], 'at': at, 'op': 'item.update',
                        'entity_id': f'e{n}', 'entity_name': 'Sunscreen', 'before': {'packed': False},
                        'after': {'packed': True}, 'context': {}, 'list_version': n})
    for plist, changed_at in zip(plists, last_change, strict=True):
        plist['updated_at'] = changed_at
    with db.write() as session:
        for table, data in ((User, users), (PackingList, plists), (ListMember, rows), (Activity, changes)):
            for start in range(0, len(data), 5000):
                session.execute(insert(table), data[start:start + 5000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--database-url', default='', help='default: SQLite in a temporary directory')
    parser.add_argument('--lists', type=int, default=1_000)
    parser.add_argument('--members', type=int, default=10_000)
    parser.add_argument('--activities', type=int, default=100_000)
    parser.add_argument('--passes', type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f'sqlite:///{tmp}/bench.db'
        db = Database(url)
        if not db.is_sqlite:
            with db.writer.connect() as connection:
                connection.execute(text('DROP SCHEMA public CASCADE; CREATE SCHEMA public'))
                connection.commit()
        db.migrate()
        started = time.perf_counter()
        seed(db, lists=args.lists, members=args.members, activities=args.activities, rng=random.Random(7))
        print(f'seeded {args.members:,} members over {args.lists:,} lists and {args.activities:,} activity rows '
              f'in {time.perf_counter() - started:.1f} s ({"SQLite" if db.is_sqlite else "PostgreSQL"})')
        if not db.is_sqlite:
            with db.writer.connect() as connection:
                connection.execute(text('ANALYZE'))
                connection.commit()
        due = time_passes(db, 'backlog: every away member due at once', args.passes)
        mark_told(db, due)  # what the pass's digests do; then the usual pass: a few newly due
        time_passes(db, 'steady state: after those digests went out', args.passes)
        with db.read() as session:
            compiled = query_now().compile(db.reader, compile_kwargs={'literal_binds': True})
            explain = 'EXPLAIN QUERY PLAN ' if db.is_sqlite else 'EXPLAIN '
            plan = session.execute(text(explain + str(compiled))).all()
        print('plan:')
        for row in plan:
            print('  ', row[-1])
        db.dispose()


def query_now() -> Select[Any]:
    return due_digests(utcnow(), delay_s=900, min_interval_s=21600)


def time_passes(db: Database, label: str, passes: int) -> list[Any]:
    """Run the scheduler's query `passes` times; print median and p99; the due rows of the last pass."""
    times, due = [], []
    with db.read() as session:
        for _ in range(passes):
            started = time.perf_counter()
            due = list(session.execute(query_now()).all())
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    print(f'finding due digests, {label}: {len(due):,} due; median {statistics.median(times):.1f} ms, '
          f'p99 {p99:.1f} ms, max {times[-1]:.1f} ms over {passes} passes')
    return due


def mark_told(db: Database, due: list[Any]) -> None:
    now = utcnow()
    with db.write() as session:
        for list_id, user_id, _since in due:
            session.execute(update(ListMember).where(col(ListMember.list_id) == list_id,
                                                     col(ListMember.user_id) == user_id)
                            .values(digest_until=now, digest_sent_at=now))


if __name__ == '__main__':
    main()
