"""Sharing through the JSON API: invitations by real mail, share links, roles, ownership, immediate revocation."""
import asyncio
from datetime import timedelta

import pytest
from httpx import Response
from sqlmodel import select

from models import Invitation, ListMember, utcnow
from tests.support.helpers import api_sign_in, create_list, services
from tests.support.live import free_port
from tests.support.mailbox import Mailbox
from tests.support.sharing import accept, join, me, share_link, sharing, token_of
from tests.support.waiting import eventually
from travelpack_ui.core.ratelimit import RateLimiter
from travelpack_ui.core.tokens import LinkSigner, digest
from travelpack_ui.sharing.mail import InvitationPost


@pytest.fixture
async def carl(client, mailbox: Mailbox) -> dict[str, str]:
    return await api_sign_in(client, mailbox, 'carl@example.com')


async def invite(client, owner: dict, list_id: str, *emails: str, role: str = 'editor', **extra) -> Response:
    return await client.post(f'/api/packing-lists/{list_id}/invitations',
                             json={'emails': list(emails), 'role': role, **extra}, headers=owner)


async def invitation_token(mailbox: Mailbox, address: str, count: int = 1) -> str:
    return token_of(await mailbox.link_for(address, count=count, containing='/invite/'))


async def status_becomes(client, owner: dict, url: str, status: str) -> None:
    """Wait for the background sender to record the state of the (only) invitation."""
    async def reached() -> bool:
        return (await client.get(url, headers=owner)).json()[0]['status'] == status
    await eventually(reached, message=f'the invitation never became {status}')


# --- invitations -----------------------------------------------------------------------------------------------

async def test_an_invitation_is_mailed_and_accepted_once(client, mailbox, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon')
    response = await invite(client, ana, plist['id'], 'Ben@Example.com', message='Bring the tent!\nAnd snacks.')
    assert response.status_code == 201, response.text
    [entry] = response.json()
    assert (entry['email'], entry['role'], entry['status']) == ('ben@example.com', 'editor', 'sent')
    assert entry['expires_at'] and entry['id']
    mail = await mailbox.wait_for('ben@example.com', count=2)  # the first was the sign-in link
    assert 'ana' in mail['Subject'] and 'Lisbon' in mail['Subject']
    text = mail.get_body(preferencelist=('plain',)).get_content()
    html = mail.get_body(preferencelist=('html',)).get_content()
    for part in (text, html):
        assert 'Lisbon' in part and 'editor' in part and 'ana' in part and 'http://test/invite/' in part
    assert '> Bring the tent!\n> And snacks.' in text.replace('\r\n', '\n')  # the message keeps its lines
    token = await invitation_token(mailbox, 'ben@example.com', count=2)

    joined = await accept(client, ben, token)
    assert joined.status_code == 200 and joined.json() == {'list_id': plist['id'], 'role': 'editor'}
    assert (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ben)).json()['role'] == 'editor'
    again = await accept(client, ben, token)
    assert again.status_code == 410 and again.json()['code'] == 'gone'
    statuses = [i['status'] for i in (await client.get(f'/api/packing-lists/{plist["id"]}/invitations',
                                                       headers=ana)).json()]
    assert statuses == ['accepted']


async def test_the_mail_escapes_user_text_and_headers_take_no_line_breaks(client, mailbox, ana) -> None:
    await client.patch('/api/user/me', json={'display_name': '<i>Ana</i>'}, headers=ana)
    plist = await create_list(client, ana, '<b>Lisbon</b> & co')
    response = await invite(client, ana, plist['id'], 'ben@example.com', message='<script>alert(1)</script>')
    assert response.status_code == 201
    html = (await mailbox.wait_for('ben@example.com')).get_body(preferencelist=('html',)).get_content()
    assert '<script>' not in html and '&lt;script&gt;' in html
    assert '<b>Lisbon' not in html and '&lt;b&gt;Lisbon&lt;/b&gt; &amp; co' in html
    assert '<i>Ana' not in html
    injected = await invite(client, ana, plist['id'], 'carl@example.com\r\nBcc: eve@example.com')
    assert injected.status_code == 422 and injected.json()['code'] == 'invalid'
    assert not mailbox.to('eve@example.com')
    for bad in ([], ['not-an-address'], ['x@example.com'] * 51):
        assert (await invite(client, ana, plist['id'], *bad)).status_code == 422
    assert (await invite(client, ana, plist['id'], 'x@example.com', role='owner')).status_code == 422


async def test_an_invitation_is_for_its_address(client, mailbox, ana, ben, carl) -> None:
    plist = await create_list(client, ana)
    await invite(client, ana, plist['id'], 'ben@example.com', role='viewer')
    token = await invitation_token(mailbox, 'ben@example.com', count=2)
    wrong = await accept(client, carl, token)
    assert wrong.status_code == 403 and wrong.json()['code'] == 'wrong_email'
    assert (await client.get(f'/api/packing-lists/{plist["id"]}', headers=carl)).status_code == 404
    assert (await accept(client, ben, token)).json()['role'] == 'viewer'  # not used up by the wrong person


async def test_two_concurrent_accepts_exactly_one_wins(client, mailbox, ana, ben) -> None:
    plist = await create_list(client, ana)
    await invite(client, ana, plist['id'], 'ben@example.com')
    token = await invitation_token(mailbox, 'ben@example.com', count=2)
    first, second = await asyncio.gather(accept(client, ben, token), accept(client, ben, token))
    assert sorted([first.status_code, second.status_code]) == [200, 410]
    with services().db.read() as session:
        row = session.exec(select(Invitation)).one()
    assert row.accepted_at is not None


async def test_expired_revoked_and_replaced_invitations_are_gone(client, mailbox, ana, ben) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}/invitations'
    await invite(client, ana, plist['id'], 'ben@example.com')
    first = await invitation_token(mailbox, 'ben@example.com', count=2)
    await invite(client, ana, plist['id'], 'ben@example.com', role='viewer')  # replaces the first
    second = await invitation_token(mailbox, 'ben@example.com', count=3)
    assert (await accept(client, ben, first)).status_code == 410
    pending = (await client.get(base, headers=ana)).json()
    assert [(i['email'], i['role']) for i in pending] == [('ben@example.com', 'viewer')]

    later = utcnow() + timedelta(days=7, minutes=1)
    sharing().context.clock = lambda: later
    expired = await accept(client, ben, second)
    assert expired.status_code == 410
    assert (await client.get(base, headers=ana)).json()[0]['status'] == 'expired'
    sharing().context.clock = utcnow

    assert (await client.delete(f'{base}/{pending[0]["id"]}', headers=ana)).status_code == 204
    assert (await accept(client, ben, second)).status_code == 410
    assert (await client.get(base, headers=ana)).json() == []
    assert (await client.delete(f'{base}/{pending[0]["id"]}', headers=ana)).status_code == 404


async def test_tokens_are_signed_random_and_stored_as_digests(client, mailbox, ana, ben) -> None:
    plist = await create_list(client, ana)
    await invite(client, ana, plist['id'], 'ben@example.com')
    token = await invitation_token(mailbox, 'ben@example.com', count=2)
    payload = sharing().context.signer.unsign('invite', token)
    assert payload is not None and len(payload['n']) >= 22  # ≥ 128 random bits, URL-safe base64
    with services().db.read() as session:
        row = session.exec(select(Invitation)).one()
    assert row.nonce_hash == digest(payload['n']) and payload['n'] not in row.nonce_hash
    tampered = token[:-3] + ('AAA' if not token.endswith('AAA') else 'BBB')
    for bad in (tampered, 'garbage', LinkSigner(['another-key']).sign('invite', payload),
                sharing().context.signer.sign('magic', payload)):  # another key or another purpose's salt
        response = await accept(client, ben, bad)
        assert response.status_code == 400 and response.json()['code'] == 'invalid_token'
    assert (await accept(client, ben, token)).status_code == 200


async def test_older_signing_keys_still_verify(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    link = await share_link(client, ana, plist['id'], 'viewer')
    old_keys = sharing().context.signer.keys
    sharing().context.signer = LinkSigner(['a-brand-new-key', *old_keys])
    assert (await accept(client, ben, token_of(link['url']))).status_code == 200


async def test_a_mail_failure_keeps_the_invitation_and_retries(client, mailbox, ana, ben) -> None:
    plist = await create_list(client, ana)
    settings = services().settings
    sharing().invitations.post.retry_delays = (0.2,)
    settings.smtp_port = free_port()  # nobody listens there: SMTP is down
    response = await invite(client, ana, plist['id'], 'ben@example.com')
    assert response.status_code == 201 and response.json()[0]['status'] == 'not_sent'
    base = f'/api/packing-lists/{plist["id"]}/invitations'
    assert (await client.get(base, headers=ana)).json()[0]['status'] == 'not_sent'
    settings.smtp_port = mailbox.port  # the server is back: the background retry delivers
    token = await invitation_token(mailbox, 'ben@example.com', count=2)
    await status_becomes(client, ana, base, 'sent')
    assert (await accept(client, ben, token)).status_code == 200


async def test_processes_that_resume_together_send_an_unsent_invitation_once(client, mailbox, ana) -> None:
    """Every process resumes the unsent invitation mails when it starts; the mail is claimed in the database, so
    two posts (as two processes have, on one database) resuming at once send it once."""
    plist = await create_list(client, ana)
    settings = services().settings
    post = sharing().invitations.post
    post.retry_delays = (3600.0,)  # no retry of its own: only the resumes
    settings.smtp_port = free_port()
    await invite(client, ana, plist['id'], 'ben@example.com')
    base = f'/api/packing-lists/{plist["id"]}/invitations'
    assert (await client.get(base, headers=ana)).json()[0]['status'] == 'not_sent'
    settings.smtp_port = mailbox.port
    other_process = InvitationPost(post.context, post.mailer, post.changed)
    await asyncio.gather(post.resume(), other_process.resume())
    await status_becomes(client, ana, base, 'sent')
    await asyncio.sleep(0.5)
    assert len(mailbox.to('ben@example.com')) == 1


async def test_a_mail_that_never_goes_out_is_marked_failed_and_can_be_resent(client, mailbox, ana) -> None:
    plist = await create_list(client, ana)
    settings = services().settings
    sharing().invitations.post.retry_delays = (0.05,)
    settings.smtp_port = free_port()
    await invite(client, ana, plist['id'], 'ben@example.com')
    base = f'/api/packing-lists/{plist["id"]}/invitations'
    await status_becomes(client, ana, base, 'failed')
    [entry] = (await client.get(base, headers=ana)).json()
    assert entry['status'] == 'failed' and entry['send_attempts'] == 2
    settings.smtp_port = mailbox.port
    resent = await client.post(f'{base}/{entry["id"]}/resend', headers=ana)
    assert resent.status_code == 200 and resent.json()['status'] == 'sent'
    assert await mailbox.link_for('ben@example.com', containing='/invite/')


async def test_invitations_are_rate_limited_per_inviter_and_per_address(client, ana) -> None:
    plist = await create_list(client, ana)
    sharing().invitations.per_recipient.limit = 2
    for _ in range(2):
        assert (await invite(client, ana, plist['id'], 'ben@example.com')).status_code == 201
    limited = await invite(client, ana, plist['id'], 'ben@example.com')
    assert limited.status_code == 429 and int(limited.headers['Retry-After']) > 0
    sharing().invitations.per_inviter = RateLimiter(services().writer, 'fresh_inviter', 3, 3600)  # a new count
    assert (await invite(client, ana, plist['id'], 'a@example.com', 'b@example.com')).status_code == 201
    limited = await invite(client, ana, plist['id'], 'c@example.com', 'd@example.com')
    assert limited.status_code == 429 and limited.json()['code'] == 'rate_limited'
    assert 'Retry-After' in limited.headers


# --- share links -----------------------------------------------------------------------------------------------

async def test_a_share_link_lets_people_join_until_revoked(client, mailbox, ana, ben, carl) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    link = await share_link(client, ana, plist['id'], 'viewer', expires_in_hours=48)
    assert link['url'].startswith('http://test/share/') and link['role'] == 'viewer' and link['expires_at']
    assert [x['id'] for x in (await client.get(f'{base}/share-links', headers=ana)).json()] == [link['id']]
    assert (await client.get(f'{base}/share-links', headers=ana)).json()[0]['url'] == link['url']
    assert (await accept(client, ben, token_of(link['url']))).json() == {'list_id': plist['id'], 'role': 'viewer'}
    assert (await client.delete(f'{base}/share-links/{link["id"]}', headers=ana)).status_code == 204
    assert (await client.get(f'{base}/share-links', headers=ana)).json() == []
    assert (await accept(client, carl, token_of(link['url']))).status_code == 410
    people = (await client.get(f'{base}/collaborators', headers=ana)).json()
    assert [(p['email'], p['role']) for p in people] == [('ana@example.com', 'owner'), ('ben@example.com', 'viewer')]
    ben_id = (await me(client, ben))['id']
    assert (await client.delete(f'{base}/collaborators/{ben_id}', headers=ana)).status_code == 204
    assert (await client.get(base, headers=ben)).status_code == 404


async def test_share_link_limits_and_expiry(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}/share-links'
    for body in ({'role': 'owner'}, {'role': 'viewer', 'expires_in_hours': 8761}, {'role': 'viewer',
                 'expires_in_hours': 0}, {'role': 'viewer', 'expires_in_hours': 1.5}, {'role': 'boss'}):
        response = await client.post(base, json=body, headers=ana)
        assert response.status_code == 422, body
    assert (await client.post(base, json={'role': 'editor', 'expires_in_hours': 8760}, headers=ana)).status_code == 201
    link = await share_link(client, ana, plist['id'], 'editor', expires_in_hours=1)
    later = utcnow() + timedelta(hours=1, seconds=1)
    sharing().context.clock = lambda: later
    assert (await accept(client, ben, token_of(link['url']))).status_code == 410


async def test_accepting_never_lowers_a_role(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    viewer_link = await share_link(client, ana, plist['id'], 'viewer')
    assert (await accept(client, ben, token_of(viewer_link['url']))).json()['role'] == 'editor'
    owner_via_link = await accept(client, ana, token_of(viewer_link['url']))
    assert owner_via_link.json()['role'] == 'owner'


# --- collaborators and ownership -------------------------------------------------------------------------------

async def test_collaborators_show_emails_to_the_owner_only(client, ana, ben, carl) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'editor')
    await join(client, ana, plist['id'], carl, 'viewer')
    url = f'/api/packing-lists/{plist["id"]}/collaborators'
    owner_view = (await client.get(url, headers=ana)).json()
    assert [(p['display_name'], p['role']) for p in owner_view] == [('ana', 'owner'), ('ben', 'editor'),
                                                                   ('carl', 'viewer')]
    assert all(p['email'] for p in owner_view)
    assert set(owner_view[0]) >= {'user_id', 'email', 'display_name', 'role', 'added_at', 'added_by'}
    for headers in (ben, carl):
        assert [p['email'] for p in (await client.get(url, headers=headers)).json()] == [None, None, None]


async def test_a_role_change_takes_effect_on_the_very_next_call(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    await join(client, ana, plist['id'], ben, 'editor')
    ben_id = (await me(client, ben))['id']
    assert (await client.post(f'{base}/items', json={'name': 'Hat'}, headers=ben)).status_code == 201
    changed = await client.post(f'{base}/collaborators', json={'user_id': ben_id, 'role': 'viewer'}, headers=ana)
    assert changed.status_code == 200 and changed.json()['role'] == 'viewer'
    assert (await client.post(f'{base}/items', json={'name': 'Cap'}, headers=ben)).status_code == 403
    ana_id = (await me(client, ana))['id']
    demote_owner = await client.post(f'{base}/collaborators', json={'user_id': ana_id, 'role': 'editor'}, headers=ana)
    assert demote_owner.status_code == 422


async def test_adding_by_id_only_for_people_the_owner_already_shares_with(client, ana, ben, carl) -> None:
    first = await create_list(client, ana, 'Lisbon')
    second = await create_list(client, ana, 'Porto')
    await join(client, ana, first['id'], ben, 'viewer')
    ben_id, carl_id = (await me(client, ben))['id'], (await me(client, carl))['id']
    url = f'/api/packing-lists/{second["id"]}/collaborators'
    added = await client.post(url, json={'user_id': ben_id, 'role': 'editor'}, headers=ana)
    assert added.status_code == 201 and added.json()['role'] == 'editor'
    unknown = await client.post(url, json={'user_id': carl_id, 'role': 'editor'}, headers=ana)
    nobody = await client.post(url, json={'user_id': 'no-such-user', 'role': 'editor'}, headers=ana)
    assert unknown.status_code == nobody.status_code == 404
    assert unknown.json() == nobody.json()  # nothing tells an existing account from none


async def test_leaving_and_the_owner_who_must_transfer_first(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    await join(client, ana, plist['id'], ben, 'editor')
    ana_id, ben_id = (await me(client, ana))['id'], (await me(client, ben))['id']
    refused = await client.delete(f'{base}/collaborators/{ana_id}', headers=ana)
    assert refused.status_code == 403 and refused.json()['code'] == 'transfer_first'
    assert (await client.delete(f'{base}/collaborators/{ana_id}', headers=ben)).status_code == 403
    assert (await client.delete(f'{base}/collaborators/{ben_id}', headers=ben)).status_code == 204
    assert (await client.get(base, headers=ben)).status_code == 404
    assert (await client.delete(f'{base}/collaborators/{ben_id}', headers=ben)).status_code == 404


async def test_transfer_makes_the_member_owner_and_the_old_owner_editor(client, ana, ben) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    await join(client, ana, plist['id'], ben, 'viewer')
    ana_id, ben_id = (await me(client, ana))['id'], (await me(client, ben))['id']
    response = await client.post(f'{base}/transfer', json={'user_id': ben_id}, headers=ana)
    assert response.status_code == 200
    assert [(p['user_id'], p['role'], p['email']) for p in response.json()] == [(ben_id, 'owner', None),
                                                                               (ana_id, 'editor', None)]
    assert (await client.get(f'{base}/invitations', headers=ana)).status_code == 403
    assert (await client.get(f'{base}/invitations', headers=ben)).status_code == 200
    assert (await client.post(f'{base}/transfer', json={'user_id': ben_id}, headers=ana)).status_code == 403
    assert (await client.delete(f'{base}/collaborators/{ana_id}', headers=ana)).status_code == 204
    assert [s['name'] for s in (await client.get('/api/packing-lists', headers=ben)).json()] == ['Lisbon']


async def test_concurrent_membership_changes_never_leave_a_list_without_one_owner(client, ana, ben, carl) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    await join(client, ana, plist['id'], ben, 'editor')
    await join(client, ana, plist['id'], carl, 'editor')
    ben_id, carl_id = (await me(client, ben))['id'], (await me(client, carl))['id']
    answers = await asyncio.gather(
        client.post(f'{base}/transfer', json={'user_id': ben_id}, headers=ana),
        client.post(f'{base}/transfer', json={'user_id': carl_id}, headers=ana),
        client.delete(f'{base}/collaborators/{ben_id}', headers=ana),
        client.delete(f'{base}/collaborators/{ben_id}', headers=ben))
    assert 200 in [a.status_code for a in answers[:2]], [a.text for a in answers]
    assert all(a.status_code in (200, 204, 403, 404) for a in answers)
    with services().db.read() as session:
        roles = session.exec(select(ListMember.role).where(ListMember.list_id == plist['id'])).all()
    assert roles.count('owner') == 1


async def test_shared_with_me_and_the_members_event(client, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon')
    await create_list(client, ben, 'Mine')
    events: list[tuple[str, str]] = []
    services().lists.lifecycle.subscribe(lambda list_id, what: events.append((list_id, what)))
    await join(client, ana, plist['id'], ben, 'viewer')
    shared = (await client.get('/api/user/shared-with-me', headers=ben)).json()
    assert [(s['name'], s['role'], s['owner']['display_name']) for s in shared] == [('Lisbon', 'viewer', 'ana')]
    assert (await client.get('/api/user/shared-with-me', headers=ana)).json() == []
    assert (await client.get('/api/user/shared-with-me')).status_code == 401
    ben_id = (await me(client, ben))['id']
    events.clear()
    await client.delete(f'/api/packing-lists/{plist["id"]}/collaborators/{ben_id}', headers=ana)
    assert events == [(plist['id'], 'members')]
