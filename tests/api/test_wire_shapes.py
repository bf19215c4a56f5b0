"""The key set of every kind of JSON answer, recorded before the routes got response models.

A response model filters what it does not declare, so a field missing from a `*Public` model would silently
vanish from the wire; this story walks every JSON route on sample data and pins the exact keys of each answer.
"""
from typing import Any

from tests.support.helpers import create_list
from tests.support.mailbox import Mailbox
from tests.support.sharing import accept, token_of

USER = ['color', 'display_name', 'email', 'id', 'initials', 'units']
OWNER = ['display_name', 'id']
AUDIT = ['created_at', 'created_by', 'id', 'updated_at', 'updated_by', 'version']
DELETED = ['deleted', 'deleted_at', 'deleted_by']
META = [*AUDIT, 'destination', 'end_date', 'name', 'notes', 'start_date']
FULL = sorted([*META, 'bags', 'categories', 'items', 'owner', 'role', 'travelers'])
SUMMARY = sorted([*META, 'item_count', 'owner', 'packed_count', 'role'])
NAMED = sorted([*AUDIT, 'name', 'position'])
TRAVELER = sorted([*NAMED, 'user_id'])
ITEM = sorted([*AUDIT, 'bag_id', 'category_id', 'name', 'notes', 'packed', 'position', 'quantity', 'traveler_id',
               'weight_grams'])
COLLABORATOR = ['added_at', 'added_by', 'color', 'display_name', 'email', 'initials', 'role', 'user_id']
INVITATION = ['accepted_at', 'created_at', 'email', 'expires_at', 'id', 'message', 'role', 'send_attempts',
              'sent_at', 'status']
LINK = ['created_at', 'expired', 'expires_at', 'id', 'role', 'url', 'uses']
TOKEN = ['created_at', 'id', 'last_used_at', 'name']
TOKENS = ['access_token', 'expires_in', 'refresh_token', 'token_type']
ACTIVITY = ['action', 'actor', 'after', 'at', 'before', 'entity_id', 'id', 'list_version', 'summary']
ACTOR = ['color', 'display_name', 'id', 'initials']


def keys(data: dict[str, Any]) -> list[str]:
    return sorted(data)


async def test_every_answer_keeps_its_keys(client, ana, ben, mailbox: Mailbox) -> None:
    magic = await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})
    assert keys(magic.json()) == ['detail']
    me = (await client.get('/api/user/me', headers=ana)).json()
    assert keys(me) == USER
    assert keys((await client.patch('/api/user/me', json={'display_name': 'Ana'}, headers=ana)).json()) == USER

    created = await create_list(client, ana, 'Lisbon', destination='Portugal', start_date='2026-07-01')
    assert keys(created) == FULL and keys(created['owner']) == OWNER
    base = f'/api/packing-lists/{created["id"]}'
    entities = {}
    for plural in ('categories', 'bags', 'travelers'):
        answer = await client.post(f'{base}/{plural}', json={'name': plural.title()}, headers=ana)
        named = TRAVELER if plural == 'travelers' else NAMED
        assert answer.status_code == 201 and keys(answer.json()) == sorted([*named, 'conflicts'])
        entities[plural] = answer.json()
    item = (await client.post(f'{base}/items', json={'name': 'Sunscreen', 'category_id': entities['categories']['id']},
                              headers=ana)).json()
    assert keys(item) == sorted([*ITEM, 'conflicts'])
    patched = (await client.patch(f'{base}/items/{item["id"]}', json={'packed': True, 'base_version': item['version']},
                                  headers=ana)).json()
    assert keys(patched) == sorted([*ITEM, 'conflicts'])
    named = (await client.patch(f'{base}/bags/{entities["bags"]["id"]}', json={'name': 'Blue'}, headers=ana)).json()
    assert keys(named) == sorted([*NAMED, 'conflicts'])
    assert (await client.delete(f'{base}/bags/{entities["bags"]["id"]}', headers=ana)).status_code == 204
    restored = (await client.post(f'{base}/bags/{entities["bags"]["id"]}/restore', headers=ana)).json()
    assert keys(restored) == sorted([*NAMED, 'conflicts'])

    full = (await client.get(base, headers=ana)).json()
    assert keys(full) == FULL
    assert [keys(full[k][0]) for k in ('categories', 'bags', 'travelers')] == [NAMED, NAMED, TRAVELER]
    assert keys(full['items'][0]) == ITEM
    assert keys((await client.patch(base, json={'notes': 'Sun', 'base_version': 1}, headers=ana)).json()) == \
        sorted([*FULL, 'conflicts'])
    summaries = (await client.get('/api/packing-lists', headers=ana)).json()
    assert keys(summaries[0]) == SUMMARY and keys(summaries[0]['owner']) == OWNER

    link = await client.post(f'{base}/share-links', json={'role': 'editor'}, headers=ana)
    assert link.status_code == 201 and keys(link.json()) == LINK
    accepted = await accept(client, ben, token_of(link.json()['url']))
    assert keys(accepted.json()) == ['list_id', 'role']
    assert (await client.patch(f'{base}/items/{item["id"]}', json={'quantity': 5}, headers=ben)).status_code == 200
    ops = (await client.post(f'{base}/ops', headers=ana, json={'ops': [
        {'op_id': 'a', 'type': 'item.update', 'id': item['id'], 'fields': {'quantity': 2}, 'base_version': 0},
        {'op_id': 'b', 'type': 'item.delete', 'id': item['id']},
        {'op_id': 'c', 'type': 'item.update', 'id': item['id'], 'fields': {'quantity': 3}},
        {'op_id': 'a', 'type': 'item.update', 'id': item['id'], 'fields': {'quantity': 2}}]})).json()
    assert keys(ops) == ['results', 'version']
    assert [keys(r) for r in ops['results']] == [['conflicts', 'entity', 'op_id', 'status'],
                                                 ['entity', 'op_id', 'status'], ['code', 'detail', 'op_id', 'status'],
                                                 ['conflicts', 'entity', 'op_id', 'status']]
    assert keys(ops['results'][0]['conflicts'][0]) == ['at', 'by', 'field', 'value']
    assert keys(ops['results'][0]['conflicts'][0]['by']) == OWNER
    assert keys(ops['results'][0]['entity']) == ITEM
    assert keys(ops['results'][1]['entity']) == sorted([*ITEM, *DELETED])

    activity = (await client.get(f'{base}/activity', headers=ana)).json()
    assert keys(activity[0]) == ACTIVITY and keys(activity[0]['actor']) == ACTOR

    collaborators = (await client.get(f'{base}/collaborators', headers=ana)).json()
    assert [keys(c) for c in collaborators] == [COLLABORATOR] * 2
    invited = await client.post(f'{base}/invitations', json={'emails': ['carl@example.com'], 'role': 'viewer'},
                                headers=ana)
    assert invited.status_code == 201 and [keys(i) for i in invited.json()] == [INVITATION]
    assert [keys(i) for i in (await client.get(f'{base}/invitations', headers=ana)).json()] == [INVITATION]
    resent = await client.post(f'{base}/invitations/{invited.json()[0]["id"]}/resend', headers=ana)
    assert keys(resent.json()) == INVITATION
    assert [keys(x) for x in (await client.get(f'{base}/share-links', headers=ana)).json()] == [LINK]
    shared = (await client.get('/api/user/shared-with-me', headers=ben)).json()
    assert keys(shared[0]) == SUMMARY
    ben_id = (await client.get('/api/user/me', headers=ben)).json()['id']
    seen_by_ben = (await client.get(f'{base}/collaborators', headers=ben)).json()
    assert {c['email'] for c in seen_by_ben} == {None}  # null, not missing, for everyone but the owner
    changed = await client.post(f'{base}/collaborators', json={'user_id': ben_id, 'role': 'viewer'}, headers=ana)
    assert keys(changed.json()) == COLLABORATOR
    transferred = await client.post(f'{base}/transfer', json={'user_id': ben_id}, headers=ana)
    assert [keys(c) for c in transferred.json()] == [COLLABORATOR] * 2

    copy = await client.post(f'{base}/duplicate', headers=ana)
    assert copy.status_code == 201 and keys(copy.json()) == FULL
    assert (await client.delete(f'/api/packing-lists/{copy.json()["id"]}', headers=ana)).status_code == 204
    binned = (await client.get('/api/packing-lists/bin', headers=ana)).json()
    assert keys(binned[0]) == sorted([*SUMMARY, *DELETED])
    back = await client.post(f'/api/packing-lists/{copy.json()["id"]}/restore', headers=ana)
    assert keys(back.json()) == FULL

    token = await client.post('/api/user/tokens', json={'name': 'script'}, headers=ana)
    assert token.status_code == 201 and keys(token.json()) == sorted([*TOKEN, 'token'])
    assert [keys(t) for t in (await client.get('/api/user/tokens', headers=ana)).json()] == [TOKEN]
    export = (await client.get('/api/user/me/export', headers=ana)).json()
    assert keys(export) == ['lists', 'user'] and keys(export['user']) == USER
    assert {tuple(keys(x)) for x in export['lists']} == {tuple(FULL)}


async def test_sign_in_answers_keep_their_keys(client, mailbox: Mailbox) -> None:
    from tests.support.helpers import token_from
    await client.post('/api/auth/magic-link', json={'email': 'dora@example.com'})
    link = await mailbox.link_for('dora@example.com', count=1, containing='/auth/magic')
    issued = (await client.post('/api/auth/token', json={'token': token_from(link)})).json()
    assert keys(issued) == TOKENS
    refreshed = (await client.post('/api/auth/refresh', json={'refresh_token': issued['refresh_token']})).json()
    assert keys(refreshed) == TOKENS
