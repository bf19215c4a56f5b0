"""No 500, whatever the input: the probes of the security review (issue 11), each kept as a story that must hold."""
import json
import uuid
from collections.abc import AsyncIterator

from nicegui import app

from tests.support.helpers import account_of, create_list, services
from tests.support.sharing import join
from travelpack_ui.api.ws_connection import Connection

SURROGATE = '\ud800x'
LONG_ID = 'x' * 37


def raw_json(payload: object) -> bytes:
    """JSON as a client may send it: a lone surrogate stays an escape (`"\\ud800"`), which Python reads back."""
    return json.dumps(payload).encode()


async def test_a_lone_surrogate_is_refused_with_a_sentence_everywhere(client, ana) -> None:
    plist = await create_list(client, ana)
    base = f'/api/packing-lists/{plist["id"]}'
    item = (await client.post(f'{base}/items', json={'name': 'Hat'}, headers=ana)).json()
    bag = (await client.post(f'{base}/bags', json={'name': 'Blue'}, headers=ana)).json()
    probes = [
        ('POST', '/api/packing-lists', {'name': SURROGATE}),
        ('POST', '/api/packing-lists', {'name': 'Rome', 'destination': SURROGATE}),
        ('POST', '/api/packing-lists', {'name': 'Rome', 'notes': SURROGATE}),
        ('PATCH', base, {'notes': SURROGATE}),
        ('POST', f'{base}/items', {'name': SURROGATE}),
        ('POST', f'{base}/items', {'name': 'Hat', 'notes': SURROGATE}),
        ('POST', f'{base}/items', {'name': 'Hat', 'category_id': SURROGATE}),
        ('POST', f'{base}/items', {'name': 'Hat', 'id': SURROGATE}),
        ('PATCH', f'{base}/items/{item["id"]}', {'name': SURROGATE}),
        ('PATCH', f'{base}/bags/{bag["id"]}', {'name': SURROGATE}),
        ('POST', f'{base}/categories', {'name': SURROGATE}),
        ('POST', f'{base}/travelers', {'name': SURROGATE}),
        ('PATCH', '/api/user/me', {'display_name': SURROGATE}),
        ('POST', '/api/user/tokens', {'name': SURROGATE}),
        ('POST', '/api/auth/magic-link', {'email': f'ana{SURROGATE}@example.com'}),
        ('POST', '/api/auth/magic-link', {'email': 'ana@example.com', 'next': f'/{SURROGATE}'}),
        ('POST', '/api/auth/token', {'token': SURROGATE}),
        ('POST', f'{base}/invitations', {'emails': [f'ben{SURROGATE}@example.com'], 'role': 'editor'}),
        ('POST', f'{base}/invitations', {'emails': ['ben@example.com'], 'role': 'editor', 'message': SURROGATE}),
        ('POST', f'{base}/share-links', {'role': SURROGATE}),
        ('POST', f'{base}/collaborators', {'user_id': SURROGATE, 'role': 'editor'}),
        ('POST', '/api/invitations/accept', {'token': SURROGATE}),
        ('POST', f'{base}/items', {SURROGATE: 1, 'name': 'Hat'}),
    ]
    for method, path, body in probes:
        response = await client.request(method, path, content=raw_json(body), headers={
            **ana, 'Content-Type': 'application/json'})
        assert response.status_code == 422, (method, path, body, response.status_code, response.text)
        answer = response.json()
        assert answer['code'] == 'invalid' and answer['detail'], (method, path, answer)
    after = (await client.get(base, headers=ana)).json()
    assert [i['name'] for i in after['items']] == ['Hat'] and [b['name'] for b in after['bags']] == ['Blue']


async def test_ops_refuse_a_lone_surrogate_per_op_and_in_the_body(client, ana) -> None:
    plist = await create_list(client, ana)
    ops_url = f'/api/packing-lists/{plist["id"]}/ops'
    headers = {**ana, 'Content-Type': 'application/json'}
    ops = [{'op_id': 'bad-name', 'type': 'item.create', 'fields': {'name': SURROGATE}},
           {'op_id': 'bad-key', 'type': 'item.create', 'fields': {'name': 'Hat', SURROGATE: 1}},
           {'op_id': 'good', 'type': 'item.create', 'fields': {'name': 'Socks'}}]
    response = await client.post(ops_url, content=raw_json({'ops': ops}), headers=headers)
    assert response.status_code == 200, response.text
    results = response.json()['results']
    assert [(r['op_id'], r['status'], r.get('code')) for r in results] == [
        ('bad-name', 'rejected', 'invalid'), ('bad-key', 'rejected', 'invalid'), ('good', 'applied', None)]
    for op in ({'op_id': SURROGATE, 'type': 'item.create', 'fields': {'name': 'Hat'}},
               {'op_id': 'bad-id', 'type': 'item.create', 'id': SURROGATE, 'fields': {'name': 'Hat'}}):
        response = await client.post(ops_url, content=raw_json({'ops': [op]}), headers=headers)
        assert response.status_code == 422 and response.json()['code'] == 'invalid', response.text
    assert [i['name'] for i in (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()['items']] \
        == ['Socks']


async def test_an_entity_id_longer_than_any_id_is_not_found(client, ana, ben, stranger) -> None:
    plist = await create_list(client, ana)
    await join(client, ana, plist['id'], ben, 'viewer')
    base = f'/api/packing-lists/{plist["id"]}'
    for plural in ('items', 'categories', 'bags', 'travelers'):
        for method, path, body in (('PATCH', f'{base}/{plural}/{LONG_ID}', {'name': 'Hat'}),
                                   ('DELETE', f'{base}/{plural}/{LONG_ID}', None),
                                   ('POST', f'{base}/{plural}/{LONG_ID}/restore', None)):
            for who, expected in ((ana, 404), (stranger, 404), (ben, 403)):
                response = await client.request(method, path, json=body, headers=who)
                assert response.status_code == expected, (method, path, response.status_code, response.text)
                assert response.json()['code'] in ('not_found', 'forbidden')
    long_list = f'/api/packing-lists/{"y" * 300}'
    for method, path in (('GET', long_list), ('DELETE', long_list), ('GET', f'{long_list}/activity'),
                         ('POST', f'{long_list}/duplicate'), ('POST', f'{long_list}/restore'),
                         ('DELETE', f'{long_list}/items/{LONG_ID}'), ('GET', f'{long_list}/collaborators'),
                         ('DELETE', f'{base}/collaborators/{LONG_ID}'), ('DELETE', f'{base}/invitations/{LONG_ID}'),
                         ('DELETE', f'{base}/share-links/{LONG_ID}'), ('DELETE', f'/api/user/tokens/{LONG_ID}')):
        response = await client.request(method, path, headers=ana)
        assert response.status_code == 404 and response.json()['code'] == 'not_found', (method, path, response.text)


async def test_a_chunked_body_over_the_limit_is_too_large(client, ana) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(64):
            yield b'x' * 65_536
        yield b'"}'
    response = await client.post('/api/packing-lists', content=chunks(),
                                 headers={**ana, 'Content-Type': 'application/json'})
    assert 'content-length' not in response.request.headers
    assert response.status_code == 413, response.text
    assert response.json()['code'] == 'too_large'
    assert (await client.get('/api/packing-lists', headers=ana)).json() == []


async def test_a_chunked_body_within_the_limit_works(client, ana) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": '
        yield b'"Lisbon"}'
    response = await client.post('/api/packing-lists', content=chunks(),
                                 headers={**ana, 'Content-Type': 'application/json'})
    assert response.status_code == 201, response.text


async def test_unparseable_bodies_answer_400_with_a_code(client, ana) -> None:
    headers = {**ana, 'Content-Type': 'application/json'}
    for body in (b'{"name": "\xff\xfe"}', b'[' * 10_000 + b']' * 10_000, b'{"name": '):
        response = await client.post('/api/packing-lists', content=body, headers=headers)
        assert response.status_code == 400, (body[:20], response.text)
        assert response.json() == {'detail': 'The request body is not valid JSON.', 'code': 'invalid_json'}


async def test_reusing_an_op_id_on_another_list_is_rejected(client, ana) -> None:
    first, second = await create_list(client, ana, 'Lisbon'), await create_list(client, ana, 'Rome')
    op = {'op_id': 'mine-1', 'type': 'item.create', 'fields': {'name': 'Passport'}}
    applied = (await client.post(f'/api/packing-lists/{first["id"]}/ops', json={'ops': [op]}, headers=ana)).json()
    assert applied['results'][0]['status'] == 'applied'
    again = await client.post(f'/api/packing-lists/{second["id"]}/ops', json={'ops': [op]}, headers=ana)
    result = again.json()['results'][0]
    assert (result['status'], result['code']) == ('rejected', 'op_id_reused'), result
    assert 'entity' not in result
    assert (await client.get(f'/api/packing-lists/{second["id"]}', headers=ana)).json()['items'] == []
    replay = (await client.post(f'/api/packing-lists/{first["id"]}/ops', json={'ops': [op]}, headers=ana)).json()
    assert replay['results'][0]['status'] == 'duplicate'


async def test_an_invitation_to_an_address_longer_than_254_characters_is_refused(client, ana) -> None:
    plist = await create_list(client, ana)
    url = f'/api/packing-lists/{plist["id"]}/invitations'
    too_long, longest = address_of_length(255), address_of_length(254)
    response = await client.post(url, json={'emails': [too_long], 'role': 'editor'}, headers=ana)
    assert response.status_code == 422 and response.json()['code'] == 'invalid', response.text
    response = await client.post(url, json={'emails': [longest], 'role': 'editor'}, headers=ana)
    assert response.status_code == 201, response.text


def address_of_length(length: int) -> str:
    """A well-formed address of exactly `length` characters (DNS labels of at most 63)."""
    local, domain = 'a' * 64, 'example.com'
    while len(local) + 1 + len(domain) < length:
        room = length - len(local) - 1 - len(domain) - 1
        domain = f'{"b" * min(room, 60)}.{domain}' if room > 0 else f'b{domain}'
    address = f'{local}@{domain}'
    assert len(address) == length, address
    return address


async def test_pages_and_answers_carry_the_security_headers(client, ana) -> None:
    for path, headers in (('/signin', {}), ('/api/packing-lists', ana)):
        response = await client.get(path, headers=headers)
        assert response.status_code == 200
        policy = response.headers['content-security-policy']
        assert policy == "frame-ancestors 'self'; object-src 'none'; base-uri 'self'"
        assert response.headers['x-content-type-options'] == 'nosniff'
        assert response.headers['referrer-policy'] == 'same-origin'


async def test_a_fresh_op_id_per_call_keeps_ids_unique(client, ana) -> None:
    """REST calls make their own op ids: two identical calls are two changes, never a replay of the first."""
    plist = await create_list(client, ana)
    url = f'/api/packing-lists/{plist["id"]}/items'
    first = (await client.post(url, json={'name': 'Hat'}, headers=ana)).json()
    second = (await client.post(url, json={'name': 'Hat'}, headers=ana)).json()
    assert first['id'] != second['id'] and uuid.UUID(second['id'])


async def test_a_wrong_method_names_every_method_the_path_has(client, ana) -> None:
    plist = await create_list(client, ana)
    for method, path, allowed in (('OPTIONS', '/api/packing-lists', 'GET, POST'),
                                  ('PUT', '/api/packing-lists', 'GET, POST'),
                                  ('OPTIONS', f'/api/packing-lists/{plist["id"]}', 'DELETE, GET, PATCH'),
                                  ('OPTIONS', '/api/user/me', 'DELETE, GET, PATCH'),
                                  ('OPTIONS', f'/api/packing-lists/{plist["id"]}/items/{LONG_ID}', 'DELETE, PATCH')):
        response = await client.request(method, path, headers=ana)
        assert response.status_code == 405, (method, path, response.text)
        assert response.headers['allow'] == allowed, (method, path)
        assert response.json()['code'] == 'method_not_allowed'


async def test_every_change_documents_the_full_disk_and_every_body_its_refusals(client) -> None:
    app.openapi_schema = None  # NiceGUI's harness re-runs main.py on one app: build it from today's routes
    document = app.openapi()
    for path, operations in document['paths'].items():
        for method, operation in operations.items():
            statuses = set(operation['responses'])
            if method != 'get':
                assert '503' in statuses, (method, path)  # any write may meet a full disk
            if 'requestBody' in operation:
                assert {'400', '413', '415', '422'} <= statuses, (method, path)


async def test_a_socket_op_with_a_lone_surrogate_is_rejected_and_the_socket_lives_on(client, ana) -> None:
    """The WebSocket's frame handler on the real room and op path (the in-process app has no WebSocket client)."""
    plist = await create_list(client, ana)
    user = account_of(ana)
    connection = Connection(services(), await services().rooms.open(plist['id']), user,
                            websocket=None)  # type: ignore[arg-type]
    assert connection.join()
    try:
        ops = [{'op_id': 'bad-name', 'type': 'item.create', 'fields': {'name': SURROGATE}},
               {'op_id': SURROGATE, 'type': 'item.create', 'fields': {'name': 'Hat'}},
               {'op_id': 'good', 'type': 'item.create', 'fields': {'name': 'Socks'}}]
        await connection._on_frame(json.dumps({'type': 'ops', 'ops': ops}), None)
        await connection._on_frame(json.dumps({'type': 'ping'}), None)
        sent = [json.loads(connection.queue.get_nowait()) for _ in range(connection.queue.qsize())]
        ack = next(message for message in sent if message['type'] == 'ack')
        assert [(r['status'], r.get('code')) for r in ack['results']] == [
            ('rejected', 'invalid'), ('rejected', 'invalid'), ('applied', None)]
        assert {'type': 'pong'} in sent and connection.close_code is None
    finally:
        connection.part()
