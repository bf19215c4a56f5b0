"""The permission matrix: owner, editor, viewer, removed member, stranger and anonymous × every list endpoint.

Each cell asserts the status (404 where the caller cannot see the list, 403 where they can see it but their role
does not allow the action, 401 without credentials) and, for every refusal, that nothing changed at all.
"""
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import func, select

from models import Activity, Invitation, ListMember, PackingList, ShareLink, User, new_id
from tests.support.helpers import services
from tests.support.sharing import token_of

CALLERS = ('anonymous', 'stranger', 'removed', 'viewer', 'editor', 'owner')  # the refused first, then the rest
SEE = {'anonymous': 401, 'stranger': 404, 'removed': 404}


def cells(owner: int, editor: int, viewer: int) -> dict[str, int]:
    return {**SEE, 'owner': owner, 'editor': editor, 'viewer': viewer}


READ = cells(200, 200, 200)


def edit(status: int) -> dict[str, int]:
    return cells(status, status, 403)


def owner_only(status: int) -> dict[str, int]:
    return cells(status, 403, 403)


OP = {'ops': [{'op_id': 'matrix', 'type': 'item.create', 'fields': {'name': 'Hat'}}]}
L = '/api/packing-lists/{list}'
ENDPOINTS: list[tuple[str, str, Any, dict[str, int]]] = [
    ('GET', L, None, READ),
    ('PATCH', L, {'name': 'Renamed'}, edit(200)),
    ('DELETE', L, None, owner_only(204)),
    ('POST', L + '/restore', None, cells(404, 404, 404)),  # not in the bin: nobody restores it
    ('POST', L + '/duplicate', None, cells(201, 201, 201)),
    ('POST', L + '/ops', OP, edit(200)),
    ('GET', L + '/activity', None, READ),
    *[row for kind in ('items', 'categories', 'bags', 'travelers') for row in (
        ('POST', f'{L}/{kind}', {'name': 'New'}, edit(201)),
        ('PATCH', f'{L}/{kind}/{{{kind}}}', {'name': 'Changed'}, edit(200)),
        ('DELETE', f'{L}/{kind}/{{{kind}}}', None, edit(204)),
        ('POST', f'{L}/{kind}/{{{kind}}}/restore', None, edit(200)),
    )],
    ('GET', L + '/collaborators', None, READ),
    ('POST', L + '/collaborators', {'user_id': '{extra}', 'role': 'editor'}, owner_only(200)),
    ('DELETE', L + '/collaborators/{extra}', None, owner_only(204)),
    ('DELETE', L + '/collaborators/{me}', None, cells(403, 204, 204)),  # leaving; the owner must transfer first
    ('POST', L + '/transfer', {'user_id': '{extra}'}, owner_only(200)),
    ('POST', L + '/invitations', {'emails': ['new@example.com'], 'role': 'viewer'}, owner_only(201)),
    ('GET', L + '/invitations', None, owner_only(200)),
    ('DELETE', L + '/invitations/{invitation}', None, owner_only(204)),
    ('POST', L + '/invitations/{invitation}/resend', None, owner_only(200)),
    ('POST', L + '/share-links', {'role': 'viewer'}, owner_only(201)),
    ('GET', L + '/share-links', None, owner_only(200)),
    ('DELETE', L + '/share-links/{link}', None, owner_only(204)),
]


@dataclass
class World:
    """One list with an owner, an editor, a viewer, a spare member, a removed member; and one of each entity."""
    ids: dict[str, str]
    headers: dict[str, dict[str, str]]
    user_ids: dict[str, str]

    def fill(self, template: Any, caller: str) -> Any:
        if isinstance(template, str):
            values = {**self.ids, 'me': self.user_ids.get(caller, 'nobody')}
            for key, value in values.items():
                template = template.replace('{' + key + '}', value)
            return template
        if isinstance(template, dict):
            return {k: self.fill(v, caller) for k, v in template.items()}
        if isinstance(template, list):
            return [self.fill(v, caller) for v in template]
        return template


async def person(name: str) -> tuple[str, dict[str, str]]:
    """An account and a bearer token for it (sign-in itself is tested elsewhere)."""
    user = User(email=f'{name}-{new_id()[:8]}@example.com', display_name=name)
    await services().writer.run(lambda session: session.add(user))
    return user.id, {'Authorization': f'Bearer {services().auth.jwt.issue(user.id)}'}


async def build_world(client) -> World:
    user_ids, headers = {}, {}
    for name in ('owner', 'editor', 'viewer', 'extra', 'removed', 'stranger'):
        user_ids[name], headers[name] = await person(name)
    headers['anonymous'] = {}
    owner = headers['owner']
    plist = (await client.post('/api/packing-lists', json={'name': 'Matrix'}, headers=owner)).json()
    ids = {'list': plist['id'], 'extra': user_ids['extra']}
    base = f'/api/packing-lists/{plist["id"]}'
    for kind in ('items', 'categories', 'bags', 'travelers'):
        ids[kind] = (await client.post(f'{base}/{kind}', json={'name': kind}, headers=owner)).json()['id']
    for name, role in (('editor', 'editor'), ('viewer', 'viewer'), ('extra', 'viewer'), ('removed', 'editor')):
        link = (await client.post(f'{base}/share-links', json={'role': role}, headers=owner)).json()
        joined = await client.post('/api/invitations/accept', json={'token': token_of(link['url'])},
                                   headers=headers[name])
        assert joined.status_code == 200, joined.text
    assert (await client.delete(f'{base}/collaborators/{user_ids["removed"]}', headers=owner)).status_code == 204
    invited = await client.post(f'{base}/invitations', json={'emails': ['guest@example.com'], 'role': 'editor'},
                                headers=owner)
    ids['invitation'] = invited.json()[0]['id']
    ids['link'] = (await client.post(f'{base}/share-links', json={'role': 'editor'}, headers=owner)).json()['id']
    return World(ids=ids, headers=headers, user_ids=user_ids)


def fingerprint(list_id: str) -> Any:
    """Everything a call could change: the list and its entities, members, invitations, links, activity, lists."""
    lists = services().lists
    with services().db.read() as session:
        plist = session.get(PackingList, list_id)
        members = session.exec(select(ListMember).where(ListMember.list_id == list_id)).all()
        invitations = session.exec(select(Invitation).where(Invitation.list_id == list_id)).all()
        links = session.exec(select(ShareLink).where(ShareLink.list_id == list_id)).all()
        activity = session.exec(select(func.count()).select_from(Activity)).one()
        all_lists = session.exec(select(func.count()).select_from(PackingList)).one()
        return (plist.model_dump() if plist else None, lists.snapshot(list_id) if plist else None,
                sorted((m.user_id, m.role) for m in members),
                sorted((i.id, i.nonce_hash, i.revoked_at, i.accepted_at, i.sent_at, i.send_attempts)
                       for i in invitations),
                sorted((x.id, x.revoked_at, x.uses) for x in links), activity, all_lists)


@pytest.mark.parametrize(('method', 'path', 'body', 'expected'), ENDPOINTS,
                         ids=[f'{m} {p.removeprefix(L) or "/"}' for m, p, _, _ in ENDPOINTS])
async def test_every_caller_gets_the_right_answer_and_a_refusal_changes_nothing(
        client, method: str, path: str, body: Any, expected: dict[str, int]) -> None:
    refused_world = await build_world(client)
    for caller in CALLERS:
        status = expected[caller]
        world = refused_world if status >= 400 else await build_world(client)
        before = fingerprint(world.ids['list'])
        response = await client.request(method, world.fill(path, caller), json=world.fill(body, caller),
                                        headers=world.headers[caller])
        assert response.status_code == status, f'{caller}: {response.status_code} {response.text}'
        if status >= 400:
            assert set(response.json()) == {'detail', 'code'}, response.text
            assert fingerprint(world.ids['list']) == before, f'{caller}: a refused call changed something'


async def test_accept_and_shared_with_me_need_a_signed_in_caller(client) -> None:
    assert (await client.post('/api/invitations/accept', json={'token': 'x'})).status_code == 401
    assert (await client.get('/api/user/shared-with-me')).status_code == 401
    forged = {'Authorization': 'Bearer not-a-token'}
    assert (await client.get('/api/user/shared-with-me', headers=forged)).status_code == 401
