"""The real-time API's edges: who may connect, losing access while connected, origins, rate and size limits."""
import asyncio
import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.ws_client import http_client, opened, remove_member_behind_the_servers_back, sign_in
from travelpack_ui.api.ws_connection import MAX_QUEUED, TRY_AGAIN_LATER, Connection

# --- who may connect, and losing access ----------------------------------------------------------------------------


async def test_strangers_bad_tokens_and_unknown_lists_are_closed_with_their_codes(server, mailbox) -> None:
    async with http_client(server) as http:
        ana, eve = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'eve@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        for token in (None, '', 'not-a-token', eve.token[:-4] + 'AAAA', 'tp_unknown'):
            async with opened(server, plist['id'], token) as socket:
                assert await socket.close_code() == 4401, token
                assert socket.messages == []
        for list_id, token in ((plist['id'], eve.token), (str(uuid.uuid4()), ana.token), ('x' * 300, ana.token)):
            async with opened(server, list_id, token) as socket:
                assert await socket.close_code() == 4404
                assert socket.messages == []


async def test_deleting_the_list_closes_every_socket_with_4403(server, mailbox) -> None:
    async with http_client(server) as http:
        ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        async with opened(server, plist['id'], ana.token) as owner, opened(server, plist['id'], ben.token) as editor:
            await editor.expect(lambda m: m['type'] == 'snapshot')
            response = await http.delete(f'/api/packing-lists/{plist["id"]}', headers=ana.headers)
            assert response.status_code == 204
            assert await owner.close_code() == 4403
            assert await editor.close_code() == 4403


async def test_a_removed_member_is_closed_with_4403(server, mailbox, database_url) -> None:
    async with http_client(server) as http:
        ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        async with opened(server, plist['id'], ben.token) as socket:
            await socket.expect(lambda m: m['type'] == 'snapshot')
            # behind the server's back: caught on the next message
            remove_member_behind_the_servers_back(database_url, plist['id'], ben.id)
            await socket.send({'type': 'ping'})
            assert await socket.close_code() == 4403
            assert not any(m['type'] == 'pong' for m in socket.messages)


async def test_removal_through_the_sharing_api_closes_the_socket_at_once(server, mailbox) -> None:
    async with http_client(server) as http:
        ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        await ana.share(plist['id'], ben, 'editor')
        async with opened(server, plist['id'], ben.token) as socket:
            await socket.expect(lambda m: m['type'] == 'snapshot')
            response = await http.delete(f'/api/packing-lists/{plist["id"]}/collaborators/{ben.id}',
                                         headers=ana.headers)
            if response.status_code in (404, 405):
                pytest.skip('the sharing API (collaborators) is not there yet')
            assert response.status_code == 204
            assert await socket.close_code() == 4403  # without sending anything: the server re-checked on its own


# --- limits ----------------------------------------------------------------------------------------------------------


async def test_flooding_closes_with_4429_and_a_burst_within_limits_is_fine(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        async with opened(server, plist['id'], ana.token) as socket:
            for _ in range(50):
                await socket.send({'type': 'ping'})
            await socket.expect(lambda _: sum(m['type'] == 'pong' for m in socket.messages) == 50)
        async with opened(server, plist['id'], ana.token) as socket:
            try:
                for _ in range(1_000):
                    await socket.send({'type': 'ping'})
            except ConnectionClosed:
                pass
            assert await socket.close_code() == 4429
            assert sum(m['type'] == 'pong' for m in socket.messages) < 1_000


async def test_a_message_over_64_kb_closes_with_4413(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        async with opened(server, plist['id'], ana.token) as socket:
            assert await socket.request({'type': 'ping', 'pad': 'x' * 60_000}, 'pong')
            await socket.send({'type': 'ping', 'pad': 'x' * 65_536})
            assert await socket.close_code() == 4413


async def test_a_browser_from_another_origin_is_refused(server, mailbox) -> None:
    async with http_client(server) as http:
        ana = await sign_in(http, mailbox, 'ana@example.com')
        plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
        for origin in ('https://evil.example', f'http://localhost:{server.port + 1}', 'null'):
            with pytest.raises(InvalidStatus) as refused:
                async with opened(server, plist['id'], ana.token, origin=origin):
                    pass
            assert refused.value.response.status_code == 403
        for allowed in (server.base_url, f'http://127.0.0.1:{server.port}', None):
            async with opened(server, plist['id'], ana.token, origin=allowed) as socket:
                assert (await socket.expect(lambda _: True))['type'] == 'snapshot'


async def test_a_client_too_slow_to_read_is_closed_and_can_reconnect_for_a_snapshot() -> None:
    """The per-connection queue is bounded: a client that stops reading is closed (1013), not buffered forever."""
    stuck = asyncio.Event()
    closed: list[int] = []

    async def never(*_: Any) -> Any:
        await stuck.wait()

    async def close(code: int) -> None:
        closed.append(code)
    websocket = SimpleNamespace(send_text=never, receive=never, close=close)
    services = SimpleNamespace(settings=SimpleNamespace(ws_burst=50, ws_rate_per_s=20.0))
    connection = Connection(services, SimpleNamespace(list_id='list'), SimpleNamespace(id='user'),  # type: ignore
                            websocket)  # type: ignore[arg-type]
    running = asyncio.create_task(connection.run())
    for n in range(MAX_QUEUED):
        await connection.deliver(json.dumps({'type': 'presence', 'users': [], 'n': n}))
    assert not connection.ended.is_set()
    for n in range(10):
        await connection.deliver(json.dumps({'type': 'presence', 'users': [], 'n': n}))
    await asyncio.wait_for(running, 10)
    assert closed == [TRY_AGAIN_LATER]
