"""An op's transaction leaves nothing for the garbage collector: reference counting frees its session, connection,
rows and applier as soon as it ends.

When the op applier's activity log kept the applier's bound method, every transaction was one reference cycle
holding about 80 objects. Under load the collector then freed some 41,000 of them every few seconds, 55-77 ms
each time, mostly in the writer thread in the middle of a transaction (bench/HISTORY.md).
"""
import gc
from collections import Counter
from typing import Any

from models import Op, new_id
from tests.support.helpers import account_of, create_list, services

OP_PATH_TYPES = {'OpApplier', 'ActivityLog', 'Session', 'Connection', 'InstanceState', 'PackingList', 'User', 'Item',
                 'Category', 'Activity', 'Change', 'BatchResult'}
"""What an op's transaction builds: none of it may be left to the collector."""


def op(type_: str, entity_id: str, fields: dict[str, Any] | None = None) -> Op:
    return Op(op_id=new_id(), type=type_, id=entity_id, fields=fields)


async def test_ops_leave_no_reference_cycles(client, ana) -> None:
    list_id = (await create_list(client, ana))['id']
    owner = account_of(ana)
    category, item, other = new_id(), new_id(), new_id()
    await services().ops.apply(list_id, [op('category.create', category, {'name': 'Clothes'})], user=owner)
    clicks = [
        [op('item.create', item, {'name': 'Socks', 'category_id': category})],  # its activity names the category
        [op('item.update', item, {'packed': True})],
        [op('item.update', item, {'quantity': 3})],  # collapses into the activity row before it
        [op('item.create', other, {'name': 'Hat'}), op('item.update', other, {'notes': 'the red one'}),
         op('item.delete', item)],  # a batch
    ]
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage instead of freed
    try:
        for ops in clicks:
            results = (await services().ops.apply(list_id, ops, user=owner)).results
            assert [r.status for r in results] == ['applied'] * len(ops)
        gc.collect()
        left = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert {name: count for name, count in left.items() if name in OP_PATH_TYPES} == {}
