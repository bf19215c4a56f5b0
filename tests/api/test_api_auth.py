"""Sign-in through the JSON API, with mail delivered to a real SMTP server."""
import time

import pytest

from tests.support.helpers import api_sign_in, services, token_from
from tests.support.mailbox import Mailbox


async def test_magic_link_mail_and_token_exchange(client, mailbox: Mailbox) -> None:
    response = await client.post('/api/auth/magic-link', json={'email': 'Ana@Example.com'})
    assert response.status_code == 202
    mail = await mailbox.wait_for('ana@example.com')
    assert mail['Subject'] == 'Your TravelPack sign-in link'
    assert mail.get_body(preferencelist=('html',)) is not None
    link = await mailbox.link_for('ana@example.com')
    assert link.startswith('http://test/auth/magic?token=')
    response = await client.post('/api/auth/token', json={'token': token_from(link)})
    assert response.status_code == 200
    body = response.json()
    assert body['token_type'] == 'bearer' and 0 < body['expires_in'] <= 900
    me = await client.get('/api/user/me', headers={'Authorization': f'Bearer {body["access_token"]}'})
    assert me.status_code == 200
    assert me.json()['email'] == 'ana@example.com'
    assert set(me.json()) >= {'id', 'email', 'display_name', 'initials', 'color'}


async def test_magic_token_is_single_use_and_stored_hashed(client, mailbox: Mailbox) -> None:
    await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})
    token = token_from(await mailbox.link_for('ana@example.com'))
    from models import MagicToken
    with services().db.read() as session:
        from sqlmodel import select
        stored = [row.token_hash for row in session.exec(select(MagicToken)).all()]
    assert token not in stored and len(stored) == 1
    assert (await client.post('/api/auth/token', json={'token': token})).status_code == 200
    again = await client.post('/api/auth/token', json={'token': token})
    assert again.status_code == 401
    assert again.json()['code'] == 'invalid_token'


async def test_expired_magic_token_is_refused(client, mailbox: Mailbox) -> None:
    await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})
    token = token_from(await mailbox.link_for('ana@example.com'))
    from datetime import timedelta

    from sqlmodel import select

    from models import MagicToken, utcnow
    with services().db.write() as session:
        row = session.exec(select(MagicToken)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    assert (await client.post('/api/auth/token', json={'token': token})).status_code == 401


async def test_unknown_address_gets_the_same_answer(client, mailbox: Mailbox) -> None:
    first = await client.post('/api/auth/magic-link', json={'email': 'new@example.com'})
    await api_sign_in(client, mailbox, 'known@example.com')
    second = await client.post('/api/auth/magic-link', json={'email': 'known@example.com'})
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()


async def test_next_that_leaves_the_site_is_ignored(client, mailbox: Mailbox) -> None:
    await client.post('/api/auth/magic-link', json={'email': 'ana@example.com', 'next': '//evil.example/x'})
    token = token_from(await mailbox.link_for('ana@example.com'))
    row = services().auth.peek_magic_token(token)
    assert row is not None and row.next_path == '/'


async def test_magic_links_are_rate_limited_per_address(client, mailbox: Mailbox) -> None:
    for _ in range(5):
        assert (await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})).status_code == 202
    response = await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})
    assert response.status_code == 429
    assert int(response.headers['Retry-After']) > 0
    assert response.json()['code'] == 'rate_limited'
    other = await client.post('/api/auth/magic-link', json={'email': 'ben@example.com'})
    assert other.status_code == 202  # one flooded address does not lock out the household


@pytest.mark.parametrize('header', ['Bearer nonsense', 'Bearer a.b.c', 'Basic abc', ''])
async def test_bad_credentials_get_401(client, header: str) -> None:
    response = await client.get('/api/user/me', headers={'Authorization': header} if header else {})
    assert response.status_code == 401
    assert response.json()['detail']


async def test_forged_and_expired_jwts_are_refused(client, mailbox: Mailbox) -> None:
    from joserfc import jwt
    from joserfc.jwk import OctKey
    headers = await api_sign_in(client, mailbox, 'ana@example.com')
    user_id = (await client.get('/api/user/me', headers=headers)).json()['id']
    now = int(time.time())
    claims = {'sub': user_id, 'iss': 'travelpack', 'aud': 'travelpack-api', 'iat': now, 'exp': now + 600}
    forged = jwt.encode({'alg': 'HS256'}, claims, OctKey.import_key(b'x' * 32))
    assert (await client.get('/api/user/me', headers={'Authorization': f'Bearer {forged}'})).status_code == 401
    codec = services().auth.jwt
    key = codec.keys[0]
    expired = jwt.encode({'alg': 'HS256'}, {**claims, 'exp': now - 60}, key)
    assert (await client.get('/api/user/me', headers={'Authorization': f'Bearer {expired}'})).status_code == 401
    wrong_audience = jwt.encode({'alg': 'HS256'}, {**claims, 'aud': 'other'}, key)
    assert (await client.get('/api/user/me',
                             headers={'Authorization': f'Bearer {wrong_audience}'})).status_code == 401
    import base64
    import json
    head = base64.urlsafe_b64encode(json.dumps({'alg': 'none'}).encode()).rstrip(b'=').decode()
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b'=').decode()
    assert (await client.get('/api/user/me', headers={'Authorization': f'Bearer {head}.{body}.'})).status_code == 401


async def test_refresh_rotates(client, mailbox: Mailbox) -> None:
    await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})
    token = token_from(await mailbox.link_for('ana@example.com'))
    first = (await client.post('/api/auth/token', json={'token': token})).json()
    second = await client.post('/api/auth/refresh', json={'refresh_token': first['refresh_token']})
    assert second.status_code == 200
    assert (await client.get('/api/user/me',
                             headers={'Authorization': f'Bearer {second.json()["access_token"]}'})).status_code == 200
    replay = await client.post('/api/auth/refresh', json={'refresh_token': first['refresh_token']})
    assert replay.status_code == 401


async def test_personal_access_tokens(client, mailbox: Mailbox) -> None:
    headers = await api_sign_in(client, mailbox, 'ana@example.com')
    created = await client.post('/api/user/tokens', json={'name': 'my script'}, headers=headers)
    assert created.status_code == 201
    pat = created.json()['token']
    pat_headers = {'Authorization': f'Bearer {pat}'}
    assert (await client.get('/api/user/me', headers=pat_headers)).json()['email'] == 'ana@example.com'
    listed = (await client.get('/api/user/tokens', headers=headers)).json()
    assert [t['name'] for t in listed] == ['my script'] and 'token' not in listed[0]
    assert (await client.delete(f'/api/user/tokens/{created.json()["id"]}', headers=headers)).status_code == 204
    assert (await client.get('/api/user/me', headers=pat_headers)).status_code == 401


async def test_profile_update(client, mailbox: Mailbox) -> None:
    headers = await api_sign_in(client, mailbox, 'ana@example.com')
    response = await client.patch('/api/user/me', json={'display_name': 'Ana Lima'}, headers=headers)
    assert response.status_code == 200
    assert response.json()['initials'] == 'AL'
    bad = await client.patch('/api/user/me', json={'display_name': 'x' * 201}, headers=headers)
    assert bad.status_code == 422 and 'display_name' in bad.json()['detail']


async def test_mail_without_smtp_host_goes_to_the_log(client, monkeypatch, caplog) -> None:
    services().settings.smtp_host = ''
    import logging
    with caplog.at_level(logging.WARNING, logger='travelpack.mail'):
        assert (await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})).status_code == 202
    lines = [r.getMessage() for r in caplog.records if r.name == 'travelpack.mail']
    assert len(lines) == 1 and 'http://test/auth/magic?token=' in lines[0]
