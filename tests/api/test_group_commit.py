"""Group commit: short requests made while another one on the same list waits for the writer or is being written go
into that one's transaction, in the order they came, each with its own answer; a long request is never joined and
nothing overtakes it."""
import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from models import Op, User, new_id
from tests.api.test_full_disk import disk_full_after
from tests.support.helpers import account_of, create_list, services
from tests.support.sharing import join
from travelpack_ui.core.errors import NotFound, Unavailable
from travelpack_ui.lists import ops as ops_module
from travelpack_ui.lists.ops import BatchResult


def creates(count: int, notes: str = '') -> list[Op]:
    return [Op(op_id=new_id(), type='item.create', id=new_id(), fields={'name': f'Item {n}', 'notes': notes})
            for n in range(count)]


class PausedWriter:
    """Holds the writer thread at the start of the first request it writes, until `release`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.writing, self.go = threading.Event(), threading.Event()
        apply_all = services().ops._apply_all

        def paused(*args: Any, **kwargs: Any) -> Any:
            if not self.writing.is_set():
                self.writing.set()
                self.go.wait(10)
            return apply_all(*args, **kwargs)
        monkeypatch.setattr(services().ops, '_apply_all', paused)

    async def started(self) -> None:
        while not self.writing.is_set():
            await asyncio.sleep(0.001)

    def release(self) -> None:
        self.go.set()


def commits() -> Callable[[], int]:
    """How many write transactions that wrote ops (their change log) committed since this call (not counting
    the others, such as the notifier's)."""
    count = [0]
    engine = services().db.writer

    def executed(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith('INSERT INTO list_change '):
            connection.info['wrote ops'] = True

    def committed(connection: Any) -> None:
        count[0] += bool(connection.info.pop('wrote ops', False))
    event.listen(engine, 'before_cursor_execute', executed)
    event.listen(engine, 'commit', committed)
    return lambda: count[0]


async def settled() -> None:
    """Let the tasks just made run up to their first wait (joining takes no wait of its own)."""
    for _ in range(5):
        await asyncio.sleep(0)


def versions(batch: BatchResult) -> list[int]:
    return [r.entity['version'] for r in batch.results if r.entity]


async def editors(client: Any, ana: dict[str, str], ben: dict[str, str]) -> tuple[str, User, User]:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    return plist['id'], account_of(ana), account_of(ben)


async def test_clicks_made_while_one_is_written_share_its_transaction_in_order(client, ana, ben, monkeypatch) -> None:
    list_id, owner, other = await editors(client, ana, ben)
    app = services()
    writer = PausedWriter(monkeypatch)
    published: list[list[int]] = []
    app.ops.changed.subscribe(lambda changes: published.append([c.version for c in changes]))
    committed = commits()
    first = asyncio.create_task(app.ops.apply(list_id, creates(1), user=owner))
    await writer.started()
    second = asyncio.create_task(app.ops.apply(list_id, creates(2), user=other))
    third = asyncio.create_task(app.ops.apply(list_id, creates(1), user=owner))
    await settled()
    writer.release()
    batches = await asyncio.gather(first, second, third)
    assert committed() == 1  # one BEGIN and one COMMIT for the three of them
    assert [r.status for b in batches for r in b.results] == ['applied'] * 4
    start = versions(batches[0])[0]
    assert [versions(b) for b in batches] == [[start], [start + 1, start + 2], [start + 3]]
    assert [b.version for b in batches] == [start, start + 2, start + 3]
    assert published == [[start], [start + 1, start + 2], [start + 3]]  # each request's changes, in commit order
    rows = (await client.get(f'/api/packing-lists/{list_id}', headers=ana)).json()
    assert rows['version'] == start + 3 and len(rows['items']) == 4


async def test_a_joined_request_without_access_is_refused_and_the_others_commit(client, ana, ben, stranger,
                                                                               monkeypatch) -> None:
    list_id, owner, other = await editors(client, ana, ben)
    app = services()
    writer = PausedWriter(monkeypatch)
    first = asyncio.create_task(app.ops.apply(list_id, creates(1), user=owner))
    await writer.started()
    refused = asyncio.create_task(app.ops.apply(list_id, creates(1), user=account_of(stranger)))
    last = asyncio.create_task(app.ops.apply(list_id, creates(1), user=other))
    await settled()
    writer.release()
    with pytest.raises(NotFound):
        await refused
    assert versions(await last) == [versions(await first)[0] + 1]
    names = [i['name'] for i in (await client.get(f'/api/packing-lists/{list_id}', headers=ana)).json()['items']]
    assert len(names) == 2


async def test_nothing_joins_ahead_of_a_long_request(client, ana, ben, monkeypatch) -> None:
    monkeypatch.setattr(ops_module, 'SLICE_S', 60.0)  # only a waiting write ends a slice
    list_id, owner, other = await editors(client, ana, ben)
    app = services()
    writer = PausedWriter(monkeypatch)
    first = asyncio.create_task(app.ops.apply(list_id, creates(1), user=owner))
    await writer.started()
    replay = asyncio.create_task(app.ops.apply(list_id, creates(ops_module.JOIN_MAX + 1), user=owner))
    await settled()
    click = asyncio.create_task(app.ops.apply(list_id, creates(1), user=other))  # came after the replay
    await settled()
    writer.release()
    first_version, replayed, clicked = versions(await first)[0], versions(await replay), versions(await click)[0]
    assert replayed[0] == first_version + 1  # the replay was not joined into the first click's transaction
    assert clicked > replayed[0]  # and the later click did not jump ahead of it (it may slip between its slices)


async def test_a_transaction_that_fails_fails_every_request_in_it(client, ana, ben, monkeypatch) -> None:
    if not services().db.is_sqlite:
        pytest.skip('fills SQLite, as test_full_disk does')
    list_id, owner, other = await editors(client, ana, ben)
    app = services()
    before = (await client.get(f'/api/packing-lists/{list_id}', headers=ana)).json()['version']
    writer = PausedWriter(monkeypatch)
    with disk_full_after(pages=0):
        first = asyncio.create_task(app.ops.apply(list_id, creates(4, notes='n' * 2000), user=owner))
        await writer.started()
        joined = asyncio.create_task(app.ops.apply(list_id, creates(4, notes='n' * 2000), user=other))
        await settled()
        writer.release()
        for request in (first, joined):
            with pytest.raises(Unavailable):
                await asyncio.wait_for(request, 10)  # each is answered, none left waiting
    after = (await client.get(f'/api/packing-lists/{list_id}', headers=ana)).json()
    assert after['version'] == before and after['items'] == []
