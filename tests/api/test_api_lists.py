"""Packing lists and their entities through the JSON API: the contract of API.md, error shapes included."""
import uuid

import pytest

from tests.support.helpers import create_list


async def test_create_and_read_a_list(client, ana) -> None:
    created = await create_list(client, ana, 'Lisbon', destination='Portugal', start_date='2026-07-01',
                                end_date='2026-07-10')
    assert created['role'] == 'owner' and created['version'] >= 1
    for key in ('categories', 'bags', 'travelers', 'items'):
        assert created[key] == []
    for key in ('id', 'version', 'created_by', 'updated_by', 'created_at', 'updated_at'):
        assert key in created
    listed = (await client.get('/api/packing-lists', headers=ana)).json()
    assert [(s['name'], s['role'], s['item_count'], s['packed_count']) for s in listed] == [('Lisbon', 'owner', 0, 0)]
    assert listed[0]['owner']['display_name'] == 'ana'


async def test_entities_crud_and_versions(client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    category = (await client.post(f'{base}/categories', json={'name': 'Essentials'}, headers=ana)).json()
    bag = (await client.post(f'{base}/bags', json={'name': 'Blue'}, headers=ana)).json()
    traveler = (await client.post(f'{base}/travelers', json={'name': 'Ana'}, headers=ana)).json()
    response = await client.post(f'{base}/items', json={'name': 'Sunscreen', 'category_id': category['id'],
                                                       'bag_id': bag['id'], 'traveler_id': traveler['id'],
                                                       'weight_grams': 200, 'notes': 'SPF 50\nwaterproof'},
                                 headers=ana)
    assert response.status_code == 201
    item = response.json()
    assert (item['quantity'], item['packed'], item['weight_grams']) == (1, False, 200)
    patched = await client.patch(f'{base}/items/{item["id"]}', json={'packed': True, 'base_version': item['version']},
                                 headers=ana)
    assert patched.status_code == 200
    assert patched.json()['packed'] is True and patched.json()['version'] > item['version']
    assert patched.json()['conflicts'] == []
    full = (await client.get(base, headers=ana)).json()
    assert full['version'] == patched.json()['version']
    assert [i['name'] for i in full['items']] == ['Sunscreen']
    summary = (await client.get('/api/packing-lists', headers=ana)).json()[0]
    assert (summary['item_count'], summary['packed_count']) == (1, 1)
    assert (await client.delete(f'{base}/categories/{category["id"]}', headers=ana)).status_code == 204
    full = (await client.get(base, headers=ana)).json()
    assert full['categories'] == [] and full['items'][0]['category_id'] is None  # items survive, uncategorised
    assert (await client.delete(f'{base}/items/{item["id"]}', headers=ana)).status_code == 204
    assert (await client.get(base, headers=ana)).json()['items'] == []


async def test_client_chosen_ids_and_reuse(client, ana) -> None:
    plist = await create_list(client, ana)
    chosen = str(uuid.uuid4())
    response = await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'id': chosen, 'name': 'Hat'},
                                 headers=ana)
    assert response.status_code == 201 and response.json()['id'] == chosen
    again = await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'id': chosen, 'name': 'Hat'},
                              headers=ana)
    assert again.status_code == 409 and again.json()['code'] == 'id_in_use'


async def test_list_metadata_patch_delete_bin_restore_duplicate(client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    await client.post(f'{base}/items', json={'name': 'Tent', 'packed': True}, headers=ana)
    patched = await client.patch(base, json={'name': 'Porto', 'destination': 'North'}, headers=ana)
    assert patched.status_code == 200 and patched.json()['name'] == 'Porto'
    copy = await client.post(f'{base}/duplicate', headers=ana)
    assert copy.status_code == 201
    assert copy.json()['name'] == 'Porto (copy)' and copy.json()['items'][0]['packed'] is False
    assert (await client.delete(base, headers=ana)).status_code == 204
    assert (await client.get(base, headers=ana)).status_code == 404
    assert [b['name'] for b in (await client.get('/api/packing-lists/bin', headers=ana)).json()] == ['Porto']
    assert (await client.post(f'{base}/restore', headers=ana)).status_code == 200
    assert (await client.get(base, headers=ana)).status_code == 200


async def test_a_stranger_cannot_read_or_change_a_list(client, ana, stranger) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    item = (await client.post(f'{base}/items', json={'name': 'Passport'}, headers=ana)).json()
    missing = f'/api/packing-lists/{uuid.uuid4()}'
    for method, path, body in [('GET', base, None), ('PATCH', base, {'name': 'x'}), ('DELETE', base, None),
                               ('POST', f'{base}/items', {'name': 'x'}),
                               ('PATCH', f'{base}/items/{item["id"]}', {'name': 'x'}),
                               ('DELETE', f'{base}/items/{item["id"]}', None),
                               ('POST', f'{base}/ops', {'ops': [{'op_id': 'a', 'type': 'item.delete',
                                                                 'id': item['id']}]}),
                               ('POST', f'{base}/duplicate', None), ('GET', f'{base}/activity', None)]:
        response = await client.request(method, path, json=body, headers=stranger)
        assert response.status_code == 404, (method, path, response.text)
        unknown = await client.request(method, path.replace(base, missing), json=body, headers=stranger)
        assert unknown.status_code == 404 and unknown.json() == response.json()  # no existence leak
    assert (await client.get('/api/packing-lists', headers=stranger)).json() == []
    after = (await client.get(base, headers=ana)).json()
    assert after['name'] == 'Lisbon' and [i['name'] for i in after['items']] == ['Passport']


async def test_no_auth_is_401(client, ana) -> None:
    plist = await create_list(client, ana)
    assert (await client.get(f'/api/packing-lists/{plist["id"]}')).status_code == 401
    assert (await client.get('/api/packing-lists')).status_code == 401


@pytest.mark.parametrize(('fields', 'where'), [
    ({'name': ''}, 'name'), ({'name': 'x' * 201}, 'name'), ({'name': 'a\x00b'}, 'name'),
    ({'name': 'ok', 'quantity': -1}, 'quantity'), ({'name': 'ok', 'quantity': 10000}, 'quantity'),
    ({'name': 'ok', 'quantity': 1.5}, 'quantity'), ({'name': 'ok', 'quantity': '2'}, 'quantity'),
    ({'name': 'ok', 'weight_grams': -5}, 'weight_grams'), ({'name': 'ok', 'notes': 'x' * 2001}, 'notes'),
    ({'name': 'ok', 'packed': 'yes'}, 'packed'), ({'name': 'ok', 'colour': 'red'}, 'colour'),
    ({'name': 'ok', 'bag_id': str(uuid.uuid4())}, 'bag_id'),
])
async def test_item_limits(client, ana, fields: dict, where: str) -> None:
    plist = await create_list(client, ana)
    response = await client.post(f'/api/packing-lists/{plist["id"]}/items', json=fields, headers=ana)
    assert response.status_code == 422, response.text
    assert response.json()['code'] == 'invalid' and where in response.json()['detail']
    assert (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['items'] == []


async def test_limits_at_the_edge_are_accepted(client, ana) -> None:
    plist = await create_list(client, ana)
    response = await client.post(f'/api/packing-lists/{plist["id"]}/items',
                                 json={'name': 'é' * 200, 'quantity': 9999, 'weight_grams': 0, 'notes': 'n' * 2000},
                                 headers=ana)
    assert response.status_code == 201


async def test_malformed_requests_get_4xx_with_a_sentence(client, ana) -> None:
    plist = await create_list(client, ana)
    url = f'/api/packing-lists/{plist["id"]}/items'
    bad_json = await client.post(url, content=b'{"name": ', headers={**ana, 'Content-Type': 'application/json'})
    assert bad_json.status_code == 400 and bad_json.json()['code'] == 'invalid_json'
    wrong_type = await client.post(url, content=b'name=x', headers={**ana, 'Content-Type': 'text/plain'})
    assert wrong_type.status_code == 415 and wrong_type.json()['detail']
    too_big = await client.post(url, content=b'{"name": "' + b'x' * 1_100_000 + b'"}',
                                headers={**ana, 'Content-Type': 'application/json'})
    assert too_big.status_code == 413
    not_object = await client.post(url, json=['x'], headers=ana)
    assert not_object.status_code == 422
    bad_list = await client.post('/api/packing-lists', json={'name': 'x', 'start_date': 'soon'}, headers=ana)
    assert bad_list.status_code == 422 and 'start_date' in bad_list.json()['detail']
    reversed_dates = await client.post('/api/packing-lists', json={'name': 'x', 'start_date': '2026-05-02',
                                                                   'end_date': '2026-05-01'}, headers=ana)
    assert reversed_dates.status_code == 422


ITEM_LIMIT = 5


@pytest.fixture
def small_item_limit(travelpack_env, monkeypatch: pytest.MonkeyPatch) -> int:
    """A list full at 5 items, not the contract's 2,000: same code path, a fraction of the time.

    Requested before `client`, so it is set before NiceGUI's `user` fixture re-runs main.py (which reads it)."""
    monkeypatch.setenv('TRAVELPACK_ITEMS_PER_LIST_MAX', str(ITEM_LIMIT))
    return ITEM_LIMIT


def test_the_item_limit_is_the_contracts_2000_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from travelpack_ui.core.settings import Settings
    assert Settings().items_per_list_max == 2000
    monkeypatch.setenv('TRAVELPACK_ITEMS_PER_LIST_MAX', '7')
    assert Settings().items_per_list_max == 7


async def test_list_full_is_409(small_item_limit: int, client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    ops = [{'op_id': f'o{n}', 'type': 'item.create', 'fields': {'name': f'Item {n}'}} for n in range(small_item_limit)]
    filled = await client.post(f'{base}/ops', json={'ops': ops}, headers=ana)
    assert filled.status_code == 200 and {r['status'] for r in filled.json()['results']} == {'applied'}
    response = await client.post(f'{base}/items', json={'name': 'One more'}, headers=ana)
    assert response.status_code == 409 and response.json() == {
        'detail': f'This list already has {small_item_limit} items, the most a list can hold.', 'code': 'list_full'}

    first = filled.json()['results'][0]['entity']['id']  # restoring an item counts against the limit too
    assert (await client.delete(f'{base}/items/{first}', headers=ana)).status_code == 204
    assert (await client.post(f'{base}/items', json={'name': 'In its place'}, headers=ana)).status_code == 201
    restored = await client.post(f'{base}/items/{first}/restore', headers=ana)
    assert restored.status_code == 409 and restored.json()['code'] == 'list_full'


async def test_change_to_a_deleted_item_names_who_deleted_it(client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    item = (await client.post(f'{base}/items', json={'name': 'Umbrella'}, headers=ana)).json()
    await client.delete(f'{base}/items/{item["id"]}', headers=ana)
    response = await client.patch(f'{base}/items/{item["id"]}', json={'quantity': 2}, headers=ana)
    assert response.status_code == 404
    assert response.json() == {'detail': 'You removed Umbrella.', 'code': 'deleted'}


async def test_the_bin_keeps_lists_for_30_days_then_empties(client, ana) -> None:
    from datetime import timedelta

    from models import PackingList, utcnow
    from tests.support.helpers import services
    kept, old = await create_list(client, ana, 'Kept'), await create_list(client, ana, 'Old')
    for plist in (kept, old):
        assert (await client.delete(f'/api/packing-lists/{plist["id"]}', headers=ana)).status_code == 204
    with services().db.write() as session:
        row = session.get(PackingList, old['id'])
        assert row is not None
        row.deleted_at = utcnow() - timedelta(days=31)
        session.add(row)
        kept_row = session.get(PackingList, kept['id'])
        assert kept_row is not None
        kept_row.deleted_at = utcnow() - timedelta(days=29)
        session.add(kept_row)
    assert await services().lists.purge_bin() == 1
    assert [b['name'] for b in (await client.get('/api/packing-lists/bin', headers=ana)).json()] == ['Kept']
    assert (await client.post(f'/api/packing-lists/{old["id"]}/restore', headers=ana)).status_code == 404
    assert (await client.post(f'/api/packing-lists/{kept["id"]}/restore', headers=ana)).status_code == 200
