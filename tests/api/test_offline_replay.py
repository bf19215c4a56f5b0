"""An outbox of 500 offline ops replayed through the one op path lands exactly once, however often it is resent."""
import uuid
from typing import Any

from tests.support.helpers import create_list

BATCH = 200  # what the browser's outbox sends per event


def offline_session() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """500 ops as a browser queues them offline: creates with client ids that later ops refer to, updates, deletes.
    Returns the ops and what the list must hold afterwards."""
    categories = [str(uuid.uuid4()) for _ in range(40)]
    items = [str(uuid.uuid4()) for _ in range(200)]
    ops: list[dict[str, Any]] = []
    for n, cid in enumerate(categories):
        ops.append({'type': 'category.create', 'id': cid, 'fields': {'name': f'Category {n}'}})
    for n, iid in enumerate(items):
        made = {'name': f'Item {n}', 'category_id': categories[n % 40]}
        ops.append({'type': 'item.create', 'id': iid, 'fields': made})
    for n, iid in enumerate(items[:160]):
        fields: dict[str, Any] = {'packed': True} if n % 2 else {'quantity': 2, 'name': f'Renamed {n}'}
        ops.append({'type': 'item.update', 'id': iid, 'fields': fields, 'base_version': 1})
    for iid in items[100:200]:
        ops.append({'type': 'item.delete', 'id': iid})
    for op in ops:
        op['op_id'] = str(uuid.uuid4())
    assert len(ops) == 500
    kept = {iid: n for n, iid in enumerate(items[:100])}
    return ops, {'categories': set(categories), 'items': kept}


async def replay(client, headers: dict, list_id: str, ops: list[dict[str, Any]]) -> list[str]:
    statuses: list[str] = []
    for start in range(0, len(ops), BATCH):
        response = await client.post(f'/api/packing-lists/{list_id}/ops', json={'ops': ops[start:start + BATCH]},
                                     headers=headers)
        assert response.status_code == 200, response.text
        statuses += [r['status'] for r in response.json()['results']]
    return statuses


async def test_a_replayed_outbox_of_500_ops_lands_exactly_once(client, ana) -> None:
    plist = await create_list(client, ana)
    ops, expected = offline_session()

    # the connection drops after 300 ops were applied but before the browser heard back
    assert await replay(client, ana, plist['id'], ops[:300]) == ['applied'] * 300
    # the next connection replays the whole outbox: what landed is a duplicate, the rest applies once
    assert await replay(client, ana, plist['id'], ops) == ['duplicate'] * 300 + ['applied'] * 200
    after = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()
    after_activity = (await client.get(f'/api/packing-lists/{plist["id"]}/activity', headers=ana)).json()
    # and a tab that reloads before the acks arrive sends it all once more: nothing changes
    assert await replay(client, ana, plist['id'], ops) == ['duplicate'] * 500
    final = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()
    assert final == after

    assert {c['id'] for c in final['categories']} == expected['categories']
    items = {i['id']: i for i in final['items'] if not i.get('deleted')}
    assert set(items) == set(expected['items'])
    for iid, n in expected['items'].items():
        item = items[iid]
        assert item['packed'] is bool(n % 2)
        assert (item['quantity'], item['name']) == ((1, f'Item {n}') if n % 2 else (2, f'Renamed {n}'))
    newest = (await client.get(f'/api/packing-lists/{plist["id"]}/activity', headers=ana)).json()
    assert newest[0]['id'] == after_activity[0]['id']  # the resend left no trace in the feed either
