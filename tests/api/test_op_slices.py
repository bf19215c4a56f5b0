"""A long batch is written in short transactions (slices), so another writer's change slips in between instead of
waiting for the whole batch; access that ends midway rejects the rest with the reason."""
import asyncio
import threading
from typing import Any

import pytest

from models import Op, OpResult, User, new_id
from tests.support.helpers import account_of, create_list, services
from tests.support.sharing import join
from travelpack_ui.lists import ops as ops_module


def creates(count: int) -> list[Op]:
    return [Op(op_id=new_id(), type='item.create', id=new_id(), fields={'name': f'Item {n}'}) for n in range(count)]


@pytest.fixture
def one_op_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops_module, 'SLICE_S', 0.0)  # every slice takes one op: the slowest machine there is


async def list_of_two(client: Any, ana: dict[str, str], ben: dict[str, str]) -> tuple[dict[str, Any], User, User]:
    """Ana's list with Ben as editor, and both as the op path's users."""
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    return plist, account_of(ana), account_of(ben)


async def test_a_long_batch_commits_in_slices_and_another_writer_gets_in_between(client, ana, ben,
                                                                                  one_op_slices) -> None:
    plist, owner, other = await list_of_two(client, ana, ben)
    app = services()
    slices: list[list[OpResult]] = []
    replay = asyncio.create_task(app.ops.apply(plist['id'], creates(6), user=owner, on_slice=slices.append))
    while not slices:
        await asyncio.sleep(0.001)
    click = await app.ops.apply(plist['id'], creates(1), user=other)  # while the replay is still going
    batch = await replay
    assert [len(s) for s in slices] == [1] * 6 and [r.status for r in batch.results] == ['applied'] * 6
    replay_versions = [r.entity['version'] for r in batch.results if r.entity]
    assert replay_versions[0] < click.version < replay_versions[-1]  # the click committed between two slices
    assert batch.version == replay_versions[-1]


async def test_a_click_that_waits_ends_the_running_slice_after_one_op(client, ana, ben,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops_module, 'SLICE_S', 60.0)  # slices as long as they like: only the waiting click ends one
    plist, owner, other = await list_of_two(client, ana, ben)
    app = services()
    writing = threading.Event()
    apply_all = app.ops._apply_all

    def apply_all_telling(*args: Any, **kwargs: Any) -> Any:
        writing.set()
        return apply_all(*args, **kwargs)
    monkeypatch.setattr(app.ops, '_apply_all', apply_all_telling)
    slices: list[list[OpResult]] = []
    replay = asyncio.create_task(app.ops.apply(plist['id'], creates(300), user=owner, on_slice=slices.append))
    while not writing.is_set():  # the replay's first slice is being written, on the writer thread
        await asyncio.sleep(0.001)
    click = await app.ops.apply(plist['id'], creates(1), user=other)
    batch = await replay
    assert len(slices) >= 2 and len(slices[0]) < 300
    replay_versions = [r.entity['version'] for r in batch.results if r.entity]
    assert replay_versions[0] < click.version < replay_versions[-1]


async def test_access_that_ends_midway_rejects_the_ops_not_applied_yet(client, ana, ben, one_op_slices) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    app = services()
    member = account_of(ben)

    def removed_after_two(done: list[OpResult]) -> None:
        if len(slices) == 2:
            asyncio.get_running_loop().create_task(
                client.delete(f'/api/packing-lists/{plist["id"]}/collaborators/{member.id}', headers=ana))
        slices.append(done)

    slices: list[list[OpResult]] = []
    batch = await app.ops.apply(plist['id'], creates(40), user=member, on_slice=removed_after_two)
    statuses = [r.status for r in batch.results]
    assert statuses[:3] == ['applied'] * 3 and statuses[-1] == 'rejected' and len(statuses) == 40
    assert {r.code for r in batch.results if r.status == 'rejected'} == {'not_found'}
