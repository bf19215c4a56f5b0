"""The one op path: batches, idempotency, the conflict rule, deletes and restores, roles."""
import uuid

from tests.support.helpers import create_list
from tests.support.sharing import join


async def ops(client, headers: dict, list_id: str, *batch: dict):
    return await client.post(f'/api/packing-lists/{list_id}/ops', json={'ops': list(batch)}, headers=headers)


async def test_a_batch_applies_in_order_and_chains_client_ids(client, ana) -> None:
    plist = await create_list(client, ana)
    item_id, bag_id = str(uuid.uuid4()), str(uuid.uuid4())
    response = await ops(client, ana, plist['id'],
                         {'op_id': '1', 'type': 'bag.create', 'id': bag_id, 'fields': {'name': 'Blue'}},
                         {'op_id': '2', 'type': 'item.create', 'id': item_id, 'fields': {'name': 'Tent'}},
                         {'op_id': '3', 'type': 'item.update', 'id': item_id, 'fields': {'bag_id': bag_id}},
                         {'op_id': '4', 'type': 'item.update', 'id': str(uuid.uuid4()), 'fields': {'name': 'x'}},
                         {'op_id': '5', 'type': 'item.update', 'id': item_id, 'fields': {'quantity': 2}})
    assert response.status_code == 200
    body = response.json()
    assert [r['status'] for r in body['results']] == ['applied', 'applied', 'applied', 'rejected', 'applied']
    assert body['results'][3]['code'] == 'not_found'
    assert body['results'][4]['entity']['bag_id'] == bag_id and body['results'][4]['entity']['quantity'] == 2
    assert body['version'] == (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['version']


async def test_replaying_an_op_changes_nothing(client, ana) -> None:
    plist = await create_list(client, ana)
    op = {'op_id': 'same', 'type': 'item.create', 'fields': {'name': 'Socks'}}
    first = (await ops(client, ana, plist['id'], op)).json()
    second = (await ops(client, ana, plist['id'], op)).json()
    assert first['results'][0]['status'] == 'applied'
    assert second['results'][0]['status'] == 'duplicate'
    assert second['results'][0]['entity'] == first['results'][0]['entity']
    assert second['version'] == first['version']
    items = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['items']
    assert len(items) == 1


async def test_an_empty_batch_changes_nothing(client, ana) -> None:
    plist = await create_list(client, ana)
    response = await ops(client, ana, plist['id'])
    assert response.status_code == 200, response.text
    assert response.json() == {'results': [], 'version': plist['version']}


async def test_op_ids_are_scoped_to_their_user(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    op = {'op_id': 'shared-id', 'type': 'item.create', 'fields': {'name': 'Socks'}}
    assert (await ops(client, ana, plist['id'], op)).json()['results'][0]['status'] == 'applied'
    assert (await ops(client, ben, plist['id'], op)).json()['results'][0]['status'] == 'applied'


async def test_concurrent_edits_to_different_fields_both_survive(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    item = (await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Socks'}, headers=ana)).json()
    url = f'/api/packing-lists/{plist["id"]}/items/{item["id"]}'
    a = await client.patch(url, json={'quantity': 4, 'base_version': item['version']}, headers=ana)
    b = await client.patch(url, json={'packed': True, 'base_version': item['version']}, headers=ben)
    assert a.json()['conflicts'] == [] and b.json()['conflicts'] == []
    final = b.json()
    assert (final['quantity'], final['packed']) == (4, True)


async def test_same_field_last_writer_wins_and_reports_the_overwritten_value(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    item = (await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Socks'}, headers=ana)).json()
    url = f'/api/packing-lists/{plist["id"]}/items/{item["id"]}'
    await client.patch(url, json={'quantity': 4, 'base_version': item['version']}, headers=ana)
    response = await client.patch(url, json={'quantity': 3, 'base_version': item['version']}, headers=ben)
    assert response.status_code == 200
    body = response.json()
    assert body['quantity'] == 3
    assert len(body['conflicts']) == 1
    conflict = body['conflicts'][0]
    assert conflict['field'] == 'quantity' and conflict['value'] == 4
    assert conflict['by']['display_name'] == 'ana' and conflict['at']
    via_ops = (await ops(client, ana, plist['id'], {'op_id': 'x', 'type': 'item.update', 'id': item['id'],
                                                     'fields': {'quantity': 5},
                                                     'base_version': item['version']})).json()
    assert via_ops['results'][0]['status'] == 'conflict'
    assert via_ops['results'][0]['conflicts'][0]['value'] == 3


async def test_restore_brings_back_last_values(client, ana) -> None:
    plist = await create_list(client, ana)
    item = (await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Tent', 'quantity': 2},
                              headers=ana)).json()
    batch = await ops(client, ana, plist['id'], {'op_id': 'd', 'type': 'item.delete', 'id': item['id']},
                      {'op_id': 'r', 'type': 'item.restore', 'id': item['id']},
                      {'op_id': 'r2', 'type': 'item.restore', 'id': item['id']},
                      {'op_id': 'r3', 'type': 'item.restore', 'id': str(uuid.uuid4())})
    results = batch.json()['results']
    assert [r['status'] for r in results] == ['applied', 'applied', 'applied', 'rejected']
    assert results[1]['entity']['quantity'] == 2 and results[3]['code'] == 'not_found'
    items = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['items']
    assert [(i['name'], i['quantity']) for i in items] == [('Tent', 2)]


async def test_restoring_a_category_does_not_relink_items(client, ana) -> None:
    plist = await create_list(client, ana)
    category = (await client.post(f'/api/packing-lists/{plist["id"]}/categories', json={'name': 'Camp'},
                                  headers=ana)).json()
    await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Tent', 'category_id': category['id']},
                      headers=ana)
    await ops(client, ana, plist['id'], {'op_id': 'd', 'type': 'category.delete', 'id': category['id']},
              {'op_id': 'r', 'type': 'category.restore', 'id': category['id']})
    full = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()
    assert [c['name'] for c in full['categories']] == ['Camp'] and full['items'][0]['category_id'] is None


async def test_viewer_gets_403_for_the_whole_batch(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'viewer')
    assert (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ben)).json()['role'] == 'viewer'
    response = await ops(client, ben, plist['id'], {'op_id': 'v', 'type': 'item.create', 'fields': {'name': 'x'}})
    assert response.status_code == 403 and response.json()['code'] == 'forbidden'
    single = await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'x'}, headers=ben)
    assert single.status_code == 403
    rename = await client.patch(f'/api/packing-lists/{plist["id"]}', json={'name': 'x'}, headers=ben)
    assert rename.status_code == 403
    assert (await client.delete(f'/api/packing-lists/{plist["id"]}', headers=ben)).status_code == 403
    assert (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['items'] == []


async def test_editor_may_edit_but_not_delete_the_list(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    assert (await client.patch(f'/api/packing-lists/{plist["id"]}', json={'name': 'Ben trip'},
                               headers=ben)).status_code == 200
    assert (await client.delete(f'/api/packing-lists/{plist["id"]}', headers=ben)).status_code == 403


async def test_bad_ops_are_refused_cleanly(client, ana) -> None:
    plist = await create_list(client, ana)
    for body in ({'ops': [{'op_id': '1', 'type': 'item.explode'}]}, {'ops': 'x'}, {},
                 {'ops': [{'op_id': '', 'type': 'item.create', 'fields': {'name': 'x'}}]},
                 {'ops': [{'op_id': '1', 'type': 'item.update', 'id': 'x', 'base_version': -1}]}):
        response = await client.post(f'/api/packing-lists/{plist["id"]}/ops', json=body, headers=ana)
        assert response.status_code == 422, body
        assert response.json()['detail']
    invalid = await ops(client, ana, plist['id'], {'op_id': '1', 'type': 'item.create', 'fields': {'name': ''}},
                        {'op_id': '2', 'type': 'item.create', 'id': 'not-a-uuid', 'fields': {'name': 'x'}},
                        {'op_id': '3', 'type': 'item.create', 'fields': {'name': 'ok'}})
    assert [r['status'] for r in invalid.json()['results']] == ['rejected', 'rejected', 'applied']


async def test_activity_feed_is_newest_first_and_paginated(client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    category = (await client.post(f'{base}/categories', json={'name': 'Essentials'}, headers=ana)).json()
    item = (await client.post(f'{base}/items', json={'name': 'Sunscreen', 'category_id': category['id']},
                              headers=ana)).json()
    await client.delete(f'{base}/items/{item["id"]}', headers=ana)
    feed = (await client.get(f'{base}/activity', headers=ana)).json()
    assert [e['summary'] for e in feed][:3] == ['ana removed Sunscreen', 'ana added Sunscreen to Essentials',
                                               'ana added the category Essentials']
    assert set(feed[0]) >= {'id', 'at', 'actor', 'action', 'summary'}
    page = (await client.get(f'{base}/activity?limit=1&before={feed[0]["id"]}', headers=ana)).json()
    assert [e['summary'] for e in page] == ['ana added Sunscreen to Essentials']


async def test_a_burst_on_one_item_collapses_into_one_line(client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    item = (await client.post(f'{base}/items', json={'name': 'Socks'}, headers=ana)).json()
    for quantity in (2, 3, 4):
        await client.patch(f'{base}/items/{item["id"]}', json={'quantity': quantity}, headers=ana)
    feed = (await client.get(f'{base}/activity', headers=ana)).json()
    assert [e['summary'] for e in feed][:2] == ['ana set the quantity of Socks to 4', 'ana added Socks']


async def test_a_collapsed_burst_says_what_changed_and_a_burst_that_undid_itself_leaves_no_line(client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    clothes = (await client.post(f'{base}/categories', json={'name': 'Clothes'}, headers=ana)).json()
    item = (await client.post(f'{base}/items', json={'name': 'Sunscreen'}, headers=ana)).json()
    for change in ({'packed': True}, {'packed': False}, {'quantity': 3}, {'category_id': clothes['id']}):
        response = await client.patch(f'{base}/items/{item["id"]}', json=change, headers=ana)
        assert response.status_code == 200, response.text
    feed = (await client.get(f'{base}/activity', headers=ana)).json()
    assert [e['summary'] for e in feed][:2] == ['ana set Sunscreen to 3 and moved it to Clothes', 'ana added Sunscreen']
    assert feed[0]['before'] == {'quantity': 1, 'category_id': None}  # the packing cancelled out: not told

    hat = (await client.post(f'{base}/items', json={'name': 'Hat'}, headers=ana)).json()
    for change in ({'packed': True}, {'packed': False}):
        await client.patch(f'{base}/items/{hat["id"]}', json=change, headers=ana)
    feed = (await client.get(f'{base}/activity', headers=ana)).json()
    assert [e['summary'] for e in feed][:2] == ['ana added Hat', 'ana set Sunscreen to 3 and moved it to Clothes']
