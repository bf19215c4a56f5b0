"""The real-time API when credentials end mid-connection and when messages are malformed on purpose.

Sockets close with the contract's codes (API.md, "Real-time"): 4401 when the token is revoked, the account
deleted or an access token expires while the socket is open; 4400 for a message that is not JSON or nests too
deep. A lone surrogate is answered, never a reason to drop the socket, and nothing of its op is applied.
"""
import json
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import Executable, create_engine, delete, update
from sqlmodel import col

from models import ApiToken, User
from tests.support.live import LiveServer
from tests.support.ws_client import http_client, opened, sign_in
from travelpack_ui.core.tokens import JwtCodec

# --- credentials that end ------------------------------------------------------------------------------------------


async def test_revoking_a_personal_access_token_closes_its_sockets_at_once(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        pat = await ana.post('/api/user/tokens', {'name': 'script'})
        async with opened(server, plist['id'], pat['token']) as script, opened(server, plist['id'], ana.token) as app:
            await script.expect(lambda m: m['type'] == 'snapshot')
            await app.expect(lambda m: m['type'] == 'snapshot')
            response = await http.delete(f'/api/user/tokens/{pat["id"]}', headers=ana.headers)
            assert response.status_code == 204
            assert await script.close_code() == 4401  # without sending anything
            await ana.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Sunscreen'})
            await app.expect(lambda m: m['type'] == 'change')  # her other credential's socket lives on
            assert not any(m['type'] == 'change' for m in script.messages)
        async with opened(server, plist['id'], pat['token']) as again:
            assert await again.close_code() == 4401


async def test_deleting_an_account_closes_its_sockets_with_4401_and_others_stay(server, mailbox) -> None:
    async with http_client(server) as http:
        ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
        shared = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(shared['id'], ben, 'editor')
        own = await ben.post('/api/packing-lists', {'name': 'Ben alone'})
        pat = (await ben.post('/api/user/tokens', {'name': 'script'}))['token']
        async with opened(server, shared['id'], ben.token) as on_shared, opened(server, own['id'], pat) as on_own, \
                opened(server, shared['id'], ana.token) as anas:
            for socket in (on_shared, on_own, anas):
                await socket.expect(lambda m: m['type'] == 'snapshot')
            assert (await http.delete('/api/user/me', headers=ben.headers)).status_code == 204
            assert await on_shared.close_code() == 4401
            assert await on_own.close_code() == 4401  # his own list went with him, but what ended first is him
            assert await anas.request({'type': 'ping'}, 'pong') == {'type': 'pong'}


async def test_an_access_token_that_expires_closes_its_socket_at_expiry(server: LiveServer, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        short = access_token_of(server, ana.id, seconds=3)
        opened_at = time.time()
        async with opened(server, plist['id'], short) as socket:
            await socket.expect(lambda m: m['type'] == 'snapshot')
            assert await socket.close_code(timeout=20) == 4401  # without sending anything
            assert time.time() - opened_at >= 2  # at its expiry, not at once
        async with opened(server, plist['id'], short) as late:
            assert await late.close_code() == 4401


async def test_credentials_ended_elsewhere_close_the_socket_on_its_next_message(server, mailbox,
                                                                              database_url: str) -> None:
    """Another process (here: a write behind the server's back) revoked the token or deleted the account: no event
    reaches this process, so the next message finds out."""
    async with http_client(server) as http:
        ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        pat = await ana.post('/api/user/tokens', {'name': 'script'})
        async with opened(server, plist['id'], pat['token']) as script, opened(server, plist['id'], ben.token) as bens:
            for socket in (script, bens):
                assert await socket.request({'type': 'ping'}, 'pong') == {'type': 'pong'}
            behind_the_servers_back(database_url, update(ApiToken).where(col(ApiToken.id) == pat['id'])
                                    .values(revoked_at=datetime.now(UTC)))
            behind_the_servers_back(database_url, delete(User).where(col(User.id) == ben.id))
            for socket in (script, bens):
                await socket.send({'type': 'ping'})
                assert await socket.close_code() == 4401
                assert [m['type'] for m in socket.messages].count('pong') == 1


def behind_the_servers_back(database_url: str, statement: Executable) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == 'sqlite':
                connection.exec_driver_sql('PRAGMA foreign_keys=ON')  # the account's memberships go with it
            connection.execute(statement)
    finally:
        engine.dispose()


def access_token_of(server: LiveServer, user_id: str, *, seconds: int) -> str:
    """An access token like the server issues, signed with the server's key, that lives `seconds` only."""
    codec = JwtCodec([(server.data_dir / 'secret.key').read_text().strip()], minutes=1)
    codec.seconds = seconds
    return codec.issue(user_id)


# --- malformed messages --------------------------------------------------------------------------------------------


async def test_messages_that_are_not_json_or_nest_too_deep_close_with_4400(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        deep_dict: dict = {'type': 'ping'}
        for _ in range(40):
            deep_dict = {'type': 'ping', 'pad': deep_dict}
        for frame in ('{not json', '[' * 10_000 + ']' * 10_000, '[' * 30_000, json.dumps(deep_dict), b'\xff\xfe'):
            async with opened(server, plist['id'], ana.token) as socket:
                await socket.expect(lambda m: m['type'] == 'snapshot')
                await socket.ws.send(frame)
                assert await socket.close_code() == 4400, frame[:20]
        async with opened(server, plist['id'], ana.token) as socket:  # the server is fine, and so is a normal op
            ack = await socket.ops({'op_id': str(uuid.uuid4()), 'type': 'item.create', 'fields': {'name': 'Hat'}})
            assert ack['results'][0]['status'] == 'applied'


async def test_a_lone_surrogate_is_answered_and_nothing_of_its_op_is_applied(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        sunscreen = await ana.post(f'/api/packing-lists/{plist["id"]}/items', {'name': 'Sunscreen'})
        async with opened(server, plist['id'], ana.token) as socket:
            await socket.expect(lambda m: m['type'] == 'snapshot')
            mark = len(socket.messages)
            # json.dumps writes "\ud800" as an escape: valid JSON, and a string no database can store
            await socket.ws.send(json.dumps({'type': 'ops', 'ops': [
                {'op_id': 'bad-name', 'type': 'item.create', 'fields': {'name': '\ud800x'}},
                {'op_id': 'bad-notes', 'type': 'item.update', 'id': sunscreen['id'],
                 'fields': {'quantity': 3, 'notes': 'ok \udfff'}},
                {'op_id': 'bad-key', 'type': 'item.create', 'fields': {'name': 'Key', '\ud800': 1}},
                {'op_id': 'good', 'type': 'item.create', 'fields': {'name': 'Hat'}},
            ]}))
            ack = await socket.expect(lambda m: m['type'] == 'ack', after=mark)
            statuses = {r['op_id']: (r['status'], r.get('code')) for r in ack['results']}
            assert statuses == {'bad-name': ('rejected', 'invalid'), 'bad-notes': ('rejected', 'invalid'),
                                'bad-key': ('rejected', 'invalid'), 'good': ('applied', None)}
            assert all(r['detail'] for r in ack['results'] if r['status'] == 'rejected')
            for message in ({'type': 'focus', 'item_id': '\ud800'}, {'type': '\udc00'}):
                await socket.ws.send(json.dumps(message))
            assert (await socket.request({'type': 'ping', 'pad': '\ud800'}, 'pong')) == {'type': 'pong'}
            assert any(m['type'] == 'error' for m in socket.messages[mark:])  # the unknown type was answered
        after = await ana.get_list(plist['id'])
        assert sorted(i['name'] for i in after['items']) == ['Hat', 'Sunscreen']
        assert next(i for i in after['items'] if i['id'] == sunscreen['id'])['quantity'] == 1  # not half-applied
