"""Notifications through the JSON API: each kind, made after commit for the people concerned, never for the actor.

People join the way users do (share links, invitations by real mail); notifications are derived in the
background, so every story waits for them with `eventually()`.
"""
import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from tests.support.helpers import api_sign_in, create_list, services
from tests.support.mailbox import Mailbox
from tests.support.sharing import join, me
from tests.support.waiting import eventually

URL = '/api/user/notifications'
ENTRY_KEYS = {'id', 'at', 'kind', 'list_id', 'summary', 'read'}


@pytest.fixture
async def carl(client, mailbox: Mailbox) -> dict[str, str]:
    return await api_sign_in(client, mailbox, 'carl@example.com')


async def inbox(client: AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def entry_of(client: AsyncClient, headers: dict[str, str], kind: str, *, count: int = 1) -> dict[str, Any]:
    """Wait until `count` entries of `kind` exist; the newest of them."""
    async def found() -> dict[str, Any] | None:
        entries = [e for e in (await inbox(client, headers))['items'] if e['kind'] == kind]
        return entries[0] if len(entries) >= count else None
    return await eventually(found, message=f'no {kind} notification came')


async def item(client: AsyncClient, headers: dict[str, str], list_id: str, name: str, **fields: Any) -> dict:
    response = await client.post(f'/api/packing-lists/{list_id}/items', json={'name': name, **fields},
                                 headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def patch_item(client: AsyncClient, headers: dict[str, str], list_id: str, item_id: str, **fields: Any) -> None:
    response = await client.patch(f'/api/packing-lists/{list_id}/items/{item_id}', json=fields, headers=headers)
    assert response.status_code == 200, response.text


async def traveler_for(client: AsyncClient, headers: dict[str, str], list_id: str, name: str,
                       user_id: str | None) -> dict:
    response = await client.post(f'/api/packing-lists/{list_id}/travelers', json={'name': name, 'user_id': user_id},
                                 headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


# --- the API's shapes ------------------------------------------------------------------------------------------

async def test_someone_joining_tells_the_owner_and_entries_stay_unread_until_marked(client, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    await join(client, ana, plist['id'], ben, 'editor')

    joined = await entry_of(client, ana, 'joined')
    assert set(joined) == ENTRY_KEYS and isinstance(joined['id'], str)  # ids are opaque strings (API.md)
    assert joined['summary'] == 'ben joined your list Lisbon trip as editor'
    assert (joined['list_id'], joined['read']) == (plist['id'], False) and joined['at'].endswith('Z')
    assert (await inbox(client, ana))['unread'] == 1
    assert (await inbox(client, ben))['items'] == []  # not about your own joining

    response = await client.post(f'{URL}/read', json={'ids': [joined['id']]}, headers=ben)
    assert response.status_code == 204  # someone else's id: nothing happens to it
    assert (await inbox(client, ana))['unread'] == 1
    response = await client.post(f'{URL}/read', json={'ids': [joined['id']]}, headers=ana)
    assert response.status_code == 204 and response.content == b''
    mine = await inbox(client, ana)
    assert mine['unread'] == 0 and mine['items'][0]['read'] is True
    assert (await inbox(client, ana, unread='true'))['items'] == []
    assert len((await inbox(client, ana, unread='false'))['items']) == 1


async def test_newest_first_in_pages_and_all_marked_read_at_once(client, ana) -> None:
    account = await me(client, ana)
    plist = await create_list(client, ana, 'Lisbon trip')
    for days in (3, 2, 1):
        await services().notifications.notify(account['id'], 'reminder', plist['id'],
                                              f'{days} days to Lisbon trip: 7 items still unpacked')
    first = await inbox(client, ana, limit=2)
    assert first['unread'] == 3
    assert [e['summary'][:6] for e in first['items']] == ['1 days', '2 days']
    rest = await inbox(client, ana, limit=2, before=first['items'][-1]['id'])
    assert [e['summary'][:6] for e in rest['items']] == ['3 days'] and rest['items'][0]['kind'] == 'reminder'
    beyond = await inbox(client, ana, before='8530953089')  # past the id column's range: every entry is before it
    assert len(beyond['items']) == 3

    assert (await client.post(f'{URL}/read', json={'all': True}, headers=ana)).status_code == 204
    assert (await inbox(client, ana))['unread'] == 0


@pytest.mark.parametrize('body', [{}, {'ids': 'x'}, {'all': False}, {'ids': [1], 'all': True}, {'ids': [1], 'x': 1},
                                  [1, 2], {'ids': [10**30]}, {'ids': [0]}])
async def test_a_bad_mark_read_body_gets_a_sentence(client, ana, body: Any) -> None:
    response = await client.post(f'{URL}/read', json=body, headers=ana)
    assert response.status_code == 422, response.text
    assert set(response.json()) == {'detail', 'code'} and response.json()['code'] == 'invalid'


@pytest.mark.parametrize('query', ['limit=0', 'limit=101', 'limit=x', 'before=abc', 'unread=maybe',
                                   f'before={10**30}'])
async def test_bad_paging_gets_a_sentence(client, ana, query: str) -> None:
    response = await client.get(f'{URL}?{query}', headers=ana)
    assert response.status_code == 422 and response.json()['code'] == 'invalid'


async def test_only_a_signed_in_person_reads_notifications(client) -> None:
    assert (await client.get(URL)).status_code == 401
    response = await client.post(f'{URL}/read', json={'all': True})
    assert response.status_code == 401 and response.json()['code'] == 'unauthorized'


# --- each kind -------------------------------------------------------------------------------------------------

async def test_an_invitation_to_someone_with_an_account_is_in_their_bell_until_read(client, mailbox, ana,
                                                                                   ben) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    response = await client.post(f'/api/packing-lists/{plist["id"]}/invitations',
                                 json={'emails': ['ben@example.com', 'nobody@example.com'], 'role': 'viewer'},
                                 headers=ana)
    assert response.status_code == 201, response.text
    invited = await entry_of(client, ben, 'invited')
    assert invited['summary'] == 'ana invited you to the list Lisbon trip as viewer'
    assert invited['list_id'] == plist['id']

    link = await mailbox.link_for('ben@example.com', count=2, containing='/invite/')
    answer = await client.post('/api/invitations/accept', json={'token': link.rsplit('/', 1)[-1]}, headers=ben)
    assert answer.status_code == 200, answer.text
    await entry_of(client, ana, 'joined')
    assert (await inbox(client, ben))['items'][0]['read'] is False  # accepting does not mark it read


async def test_added_role_changed_and_removed_tell_the_person_concerned(client, ana, ben) -> None:
    first = await create_list(client, ana, 'Lisbon trip')
    await join(client, ana, first['id'], ben, 'editor')  # now they know each other
    ben_id = (await me(client, ben))['id']
    second = await create_list(client, ana, 'Ski week')
    people = f'/api/packing-lists/{second["id"]}/collaborators'

    assert (await client.post(people, json={'user_id': ben_id, 'role': 'editor'}, headers=ana)).status_code == 201
    added = await entry_of(client, ben, 'added')
    assert (added['summary'], added['list_id']) == ('ana added you to the list Ski week as editor', second['id'])

    assert (await client.post(people, json={'user_id': ben_id, 'role': 'viewer'}, headers=ana)).status_code == 200
    assert (await entry_of(client, ben, 'role_changed'))['summary'] == 'ana made you a viewer of Ski week'
    assert (await client.post(people, json={'user_id': ben_id, 'role': 'viewer'}, headers=ana)).status_code == 200
    assert (await client.post(people, json={'user_id': ben_id, 'role': 'editor'}, headers=ana)).status_code == 200
    await entry_of(client, ben, 'role_changed', count=2)
    assert [e['summary'] for e in (await inbox(client, ben))['items'] if e['kind'] == 'role_changed'] == [
        'ana made you an editor of Ski week', 'ana made you a viewer of Ski week']  # the same role again: no news

    assert (await client.delete(f'{people}/{ben_id}', headers=ana)).status_code == 204
    assert (await entry_of(client, ben, 'removed'))['summary'] == 'ana removed you from the list Ski week'
    assert {e['kind'] for e in (await inbox(client, ana))['items']} == {'joined'}  # ana's own changes: nothing


async def test_an_item_assigned_to_you_names_the_item(client, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    await join(client, ana, plist['id'], ben, 'editor')
    ben_traveler = await traveler_for(client, ana, plist['id'], 'Ben', (await me(client, ben))['id'])
    sunscreen = await item(client, ana, plist['id'], 'Sunscreen')

    await patch_item(client, ana, plist['id'], sunscreen['id'], traveler_id=ben_traveler['id'])
    assigned = await entry_of(client, ben, 'assigned')
    assert (assigned['summary'], assigned['list_id']) == ('ana assigned Sunscreen to you in Lisbon trip', plist['id'])


async def test_changes_to_your_items_while_you_are_away_collapse_into_one_entry_per_list(client, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    await join(client, ana, plist['id'], ben, 'editor')
    ben_traveler = await traveler_for(client, ana, plist['id'], 'Ben', (await me(client, ben))['id'])
    mine = [await item(client, ben, plist['id'], name) for name in ('Socks', 'Shirts', 'Hat')]
    await item(client, ana, plist['id'], 'Tent')  # not ben's: nobody hears of it
    await item(client, ana, plist['id'], 'Towel', traveler_id=ben_traveler['id'])  # added for ben while he is away
    for thing in mine[:2]:
        await patch_item(client, ana, plist['id'], thing['id'], packed=True)
    assert (await client.delete(f'/api/packing-lists/{plist["id"]}/items/{mine[2]["id"]}',
                                headers=ana)).status_code == 204

    expected = 'ana added Towel, packed 2 of your items and removed Hat in Lisbon trip'
    await eventually(lambda: _summaries(client, ben, 'changed_while_away', [expected]),
                     message='the changes did not collapse into one entry')
    entry = (await inbox(client, ben))['items'][0]
    assert entry['list_id'] == plist['id'] and entry['read'] is False

    await client.post(f'{URL}/read', json={'all': True}, headers=ben)
    await patch_item(client, ana, plist['id'], mine[0]['id'], packed=False)
    await eventually(lambda: _summaries(client, ben, 'changed_while_away', ['ana unpacked Socks in Lisbon trip',
                                                                             expected]),
                     message='a read entry was not left alone')


async def test_changes_made_close_together_are_written_as_one_batch_of_notifications(client, ana, ben) -> None:
    """Three clicks while Ben is away: one write of notifications (one unread count told, here and to the other
    processes), not one per click."""
    plist = await create_list(client, ana, 'Lisbon trip')
    await join(client, ana, plist['id'], ben, 'editor')
    mine = [await item(client, ben, plist['id'], name) for name in ('Socks', 'Shirts', 'Hat')]
    await entry_of(client, ana, 'joined')  # told before the clicks
    told: list[list[str]] = []
    services().notifications.counts_changed.subscribe(told.append)
    for thing in mine:
        await patch_item(client, ana, plist['id'], thing['id'], packed=True)
    expected = ['ana packed 3 of your items in Lisbon trip']
    await eventually(lambda: _summaries(client, ben, 'changed_while_away', expected))
    assert told == [[(await me(client, ben))['id']]]


async def test_a_deleted_list_tells_every_member_but_whoever_deleted_it(client, ana, ben, carl) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    for person in (ben, carl):
        await join(client, ana, plist['id'], person, 'viewer')
    assert (await client.delete(f'/api/packing-lists/{plist["id"]}', headers=ana)).status_code == 204
    for person in (ben, carl):
        deleted = await entry_of(client, person, 'list_deleted')
        assert (deleted['summary'], deleted['list_id']) == ('ana deleted the list Lisbon trip', plist['id'])
    assert {e['kind'] for e in (await inbox(client, ana))['items']} == {'joined'}


async def test_a_transfer_tells_the_new_owner_and_the_others(client, ana, ben, carl) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    for person in (ben, carl):
        await join(client, ana, plist['id'], person, 'editor')
    ben_id = (await me(client, ben))['id']
    response = await client.post(f'/api/packing-lists/{plist["id"]}/transfer', json={'user_id': ben_id}, headers=ana)
    assert response.status_code == 200, response.text
    assert (await entry_of(client, ben, 'transferred'))['summary'] == 'ana made you the owner of Lisbon trip'
    assert (await entry_of(client, carl, 'transferred'))['summary'] == 'ana handed Lisbon trip over to ben'


async def test_nobody_is_notified_about_their_own_changes(client, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    await join(client, ana, plist['id'], ben, 'editor')
    own = await traveler_for(client, ana, plist['id'], 'Ana', (await me(client, ana))['id'])
    hat = await item(client, ana, plist['id'], 'Hat', traveler_id=own['id'])
    await patch_item(client, ana, plist['id'], hat['id'], packed=True)
    await patch_item(client, ana, plist['id'], hat['id'], traveler_id=None)
    await patch_item(client, ana, plist['id'], hat['id'], traveler_id=own['id'])
    await patch_item(client, ben, plist['id'], hat['id'], quantity=2)  # the one change by someone else

    await eventually(lambda: _summaries(client, ana, 'changed_while_away', ['ben changed Hat in Lisbon trip']))
    assert {e['kind'] for e in (await inbox(client, ana))['items']} == {'joined', 'changed_while_away'}
    assert (await inbox(client, ben))['items'] == []


async def test_an_open_list_reads_its_members_once_and_again_after_anyone_leaves(client, ana, ben, carl) -> None:
    """With the list open (a tab or socket on it), its room keeps the members the notifier read, until access
    changes: someone removed, or an account deleted, is not told about changes any more, and nobody else's entry is
    lost to them."""
    plist = await create_list(client, ana, 'Lisbon trip')
    for person in (ben, carl):
        await join(client, ana, plist['id'], person, 'editor')
    socks, hat = await item(client, ben, plist['id'], 'Socks'), await item(client, carl, plist['id'], 'Hat')
    room = await services().rooms.open(plist['id'])
    ben_id, carl_id = (await me(client, ben))['id'], (await me(client, carl))['id']

    async def pack(packed: bool) -> None:  # both items in one batch: one derivation, one write of entries
        ops = [{'op_id': str(uuid.uuid4()), 'type': 'item.update', 'id': thing['id'], 'fields': {'packed': packed}}
               for thing in (socks, hat)]
        response = await client.post(f'/api/packing-lists/{plist["id"]}/ops', json={'ops': ops}, headers=ana)
        assert response.status_code == 200, response.text

    await pack(True)
    await entry_of(client, ben, 'changed_while_away')
    await entry_of(client, carl, 'changed_while_away')
    assert room.members is not None and {ben_id, carl_id} <= room.members

    assert (await client.delete(f'/api/packing-lists/{plist["id"]}/collaborators/{ben_id}',
                                headers=ana)).status_code == 204
    assert room.members is None
    await client.post(f'{URL}/read', json={'all': True}, headers=carl)
    await pack(False)
    await eventually(lambda: _summaries(client, carl, 'changed_while_away', ['ana unpacked Hat in Lisbon trip',
                                                                             'ana packed Hat in Lisbon trip']))
    assert await _summaries(client, ben, 'changed_while_away', ['ana packed Socks in Lisbon trip'])  # as before
    assert room.members is not None and ben_id not in room.members

    assert (await client.delete('/api/user/me', headers=carl)).status_code == 204
    assert room.members is None  # its memberships went with the account, announced on no list
    await pack(True)
    members = await eventually(lambda: room.members, message='the members were not read again')
    assert ben_id not in members and carl_id not in members


# --- travelers tied to people ----------------------------------------------------------------------------------

async def test_a_traveler_can_only_be_linked_to_a_member_of_the_list(client, ana, ben, stranger) -> None:
    plist = await create_list(client, ana, 'Lisbon trip')
    await join(client, ana, plist['id'], ben, 'editor')
    base = f'/api/packing-lists/{plist["id"]}/travelers'
    stranger_id = (await me(client, stranger))['id']

    refused = await client.post(base, json={'name': 'Eve', 'user_id': stranger_id}, headers=ana)
    assert refused.status_code == 422
    assert refused.json() == {'detail': 'user_id: a traveler can only be linked to a member of this list',
                              'code': 'invalid'}
    ben_traveler = await traveler_for(client, ana, plist['id'], 'Ben', (await me(client, ben))['id'])
    assert ben_traveler['user_id'] == (await me(client, ben))['id']
    moved = await client.patch(f'{base}/{ben_traveler["id"]}', json={'user_id': stranger_id}, headers=ana)
    assert moved.status_code == 422 and moved.json()['code'] == 'invalid'
    unlinked = await client.patch(f'{base}/{ben_traveler["id"]}', json={'user_id': None}, headers=ana)
    assert unlinked.status_code == 200 and unlinked.json()['user_id'] is None
    assert (await client.post(base, json={'name': 'X', 'user_id': 5}, headers=ana)).status_code == 422

    batch = await client.post(f'/api/packing-lists/{plist["id"]}/ops', headers=ana, json={'ops': [
        {'op_id': 't1', 'type': 'traveler.create', 'fields': {'name': 'Eve', 'user_id': stranger_id}},
        {'op_id': 't2', 'type': 'traveler.update', 'id': ben_traveler['id'],
         'fields': {'user_id': (await me(client, ana))['id']}}]})
    results = batch.json()['results']
    assert [r['status'] for r in results] == ['rejected', 'applied'] and results[0]['code'] == 'invalid'
    travelers = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['travelers']
    assert [t['user_id'] for t in travelers] == [(await me(client, ana))['id']]


async def _summaries(client: AsyncClient, headers: dict[str, str], kind: str, expected: list[str]) -> bool:
    return [e['summary'] for e in (await inbox(client, headers))['items'] if e['kind'] == kind] == expected
