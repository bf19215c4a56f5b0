"""An API socket that stops answering the protocol's pings leaves presence within twice TRAVELPACK_HEARTBEAT_S,
as a browser tab does (before, a raw socket that ignored pings stayed "here" for about 40 s)."""
import asyncio
import base64
import os
import time
from collections.abc import Callable
from pathlib import Path

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.uri import parse_uri

from tests.support.live import live_server
from tests.support.mailbox import Mailbox
from tests.support.ws_client import Message, http_client, opened, sign_in

HEARTBEAT_S = 1.5
SLACK_S = 3.0  # a loaded machine (the whole suite on two cores) may be late by this much, never by 40 s


def quick_heartbeat(database_url: str, mailbox: Mailbox) -> dict[str, str]:
    """A server's environment: the test's database and mailbox, and a heartbeat short enough to wait for."""
    return {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
            'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false',
            'TRAVELPACK_HEARTBEAT_S': str(HEARTBEAT_S)}


async def raw_socket_that_never_answers(port: int, path: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Do the WebSocket handshake by hand, then never read again: pings go unanswered, as from a frozen client."""
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                 f'Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n'.encode())
    await writer.drain()
    status = await asyncio.wait_for(reader.readuntil(b'\r\n\r\n'), 20)
    assert status.startswith(b'HTTP/1.1 101'), status
    return reader, writer


async def test_a_socket_that_ignores_pings_leaves_presence_within_two_heartbeats(
        tmp_path: Path, database_url: str, mailbox: Mailbox) -> None:
    with live_server(tmp_path / 'live', env=quick_heartbeat(database_url, mailbox)) as server:
        async with http_client(server) as http:
            ana, ben = await sign_in(http, mailbox, 'ana@example.com'), await sign_in(http, mailbox, 'ben@example.com')
            plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
            await ana.share(plist['id'], ben, 'editor')

            def here(*people: str) -> Callable[[Message], bool]:
                return lambda m: m['type'] == 'presence' and sorted(u['id'] for u in m['users']) == sorted(people)
            async with opened(server, plist['id'], ana.token) as watcher:  # answers pings: stays
                _, frozen = await raw_socket_that_never_answers(
                    server.port, f'/api/packing-lists/{plist["id"]}/ws?token={ben.token}')
                try:
                    arrived: Message = await watcher.expect(here(ana.id, ben.id), timeout=20)
                    since = time.monotonic()
                    await watcher.expect(here(ana.id), after=watcher.messages.index(arrived) + 1,
                                         timeout=2 * HEARTBEAT_S + SLACK_S)
                    assert time.monotonic() - since <= 2 * HEARTBEAT_S + SLACK_S
                    assert await watcher.request({'type': 'ping'}, 'pong')  # who answers pings stays
                finally:
                    frozen.close()


async def frames_received(port: int, path: str, seconds: float) -> list[Frame]:
    """Open a WebSocket on `path`, send nothing (not even pongs), and return the frames that arrive in `seconds`."""
    protocol = ClientProtocol(parse_uri(f'ws://127.0.0.1:{port}{path}'))
    protocol.send_request(protocol.connect())
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(b''.join(protocol.data_to_send()))
    frames: list[Frame] = []
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            try:
                data = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                break
            protocol.receive_data(data)
            frames += [event for event in protocol.events_received() if isinstance(event, Frame)]
    finally:
        writer.close()
    return frames


async def test_a_tab_socket_is_pinged_by_engineio_alone(tmp_path: Path, database_url: str, mailbox: Mailbox) -> None:
    """A tab's socket has engine.io's pings; the protocol's own would be a second heartbeat, 40 a second for 200
    tabs. An API socket, which has no other, keeps them."""
    with live_server(tmp_path / 'live', env=quick_heartbeat(database_url, mailbox)) as server:
        async with http_client(server) as http:
            ana = await sign_in(http, mailbox, 'ana@example.com')
            plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
            tab, api = await asyncio.gather(
                frames_received(server.port, '/_nicegui_ws/socket.io/?EIO=4&transport=websocket', 2.5 * HEARTBEAT_S),
                frames_received(server.port, f'/api/packing-lists/{plist["id"]}/ws?token={ana.token}',
                                2.5 * HEARTBEAT_S))
    assert [f.data for f in tab if f.opcode is Opcode.TEXT][1:2] == [b'2']  # engine.io's open packet, then a ping
    assert [f for f in tab if f.opcode is Opcode.PING] == []
    assert [f for f in api if f.opcode is Opcode.PING] != []
