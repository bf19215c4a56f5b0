"""A room's message reaches a tab written straight on its WebSocket, in order with what its writer sent before.

A real uvicorn serves python-socketio mounted under a session middleware with NiceGUI's own mount class, with the
WebSocket protocol TravelPack chooses at start-up; a real python-socketio client is the tab. The room message must
arrive whole, once, after the messages queued before it, and without passing through the socket's queue. What the
socket's own writer sends goes straight on the connection too (no ASGI send through the middleware), unless the
connection is paused, and then in order behind what waits.
"""
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import socketio
import uvicorn
from engineio.async_socket import AsyncSocket
from nicegui.nicegui import SocketIoApp
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount

from tests.support.live import free_port
from tests.support.waiting import eventually
from travelpack_ui.core import engineio_writer
from travelpack_ui.core.broadcast import emit_to_room
from travelpack_ui.core.websocket_impl import FrameWriter


class SendsSeen:
    """ASGI middleware that counts the WebSocket messages the app sends through it."""

    sends = 0

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def counted(message: dict[str, Any]) -> None:
            if message['type'] == 'websocket.send':
                SendsSeen.sends += 1
            await send(message)
        await self.app(scope, receive, counted)


@pytest.fixture
async def served() -> AsyncIterator[tuple[socketio.AsyncServer, str]]:
    engineio_writer.install()
    SendsSeen.sends = 0
    sio = socketio.AsyncServer(async_mode='asgi')

    @sio.event
    async def connect(sid: str, environ: dict, auth: object) -> None:
        await sio.enter_room(sid, 'list-1')

    app = Starlette(routes=[Mount('/_nicegui_ws', SocketIoApp(sio, socketio_path='/socket.io'))],
                    middleware=[Middleware(SessionMiddleware, secret_key='test'), Middleware(SendsSeen)])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, ws=FrameWriter, log_level='warning', lifespan='off'))
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: server.started)
    yield sio, f'http://127.0.0.1:{port}'
    server.should_exit = True
    await serving


@asynccontextmanager
async def connected_tab(sio: socketio.AsyncServer, url: str) -> AsyncIterator[tuple[AsyncSocket, list[object]]]:
    """A python-socketio client in the room: the server's engine.io socket for it, and the deltas it received."""
    tab = socketio.AsyncClient(reconnection=False)
    received: list[object] = []
    tab.on('tp_delta', received.append)
    await tab.connect(url, socketio_path='/_nicegui_ws/socket.io', transports=['websocket'])
    try:
        socket = next(iter(sio.eio.sockets.values()))
        assert isinstance(socket.connection, FrameWriter)
        yield socket, received
    finally:
        await tab.disconnect()


async def test_a_room_message_is_written_on_the_tab_s_connection_after_what_was_queued(
        served: tuple[socketio.AsyncServer, str]) -> None:
    sio, url = served
    async with connected_tab(sio, url) as (socket, received):
        await eventually(lambda: engineio_writer.idle_connection(socket) is not None)

        await sio.emit('tp_delta', {'version': 1}, room='list-1')  # python-socketio's own path: through the queue
        assert emit_to_room(sio, 'tp_delta', {'version': 2}, 'list-1') == 1  # the writer has not sent 1 yet
        await eventually(lambda: engineio_writer.idle_connection(socket) is not None)
        assert emit_to_room(sio, 'tp_delta', {'version': 3}, 'list-1') == 1  # idle: written straight
        assert socket.queue.empty()

        await eventually(lambda: len(received) == 3)
        assert received == [{'version': 1}, {'version': 2}, {'version': 3}]


async def test_the_writer_s_packets_go_straight_on_the_connection_and_in_order_while_it_is_paused(
        served: tuple[socketio.AsyncServer, str]) -> None:
    sio, url = served
    async with connected_tab(sio, url) as (socket, received):
        connection = socket.connection

        await sio.emit('tp_delta', {'version': 1}, room='list-1')  # through the queue and the socket's writer
        await eventually(lambda: received == [{'version': 1}])
        assert SendsSeen.sends == 0  # not even engine.io's handshake and the connect went through an ASGI send

        connection.writable.clear()  # as when the tab reads too slowly: the transport paused writing
        await sio.emit('tp_delta', {'version': 2}, room='list-1')
        await eventually(lambda: SendsSeen.sends == 1)  # the writer waits in the ASGI send, as before
        assert emit_to_room(sio, 'tp_delta', {'version': 3}, 'list-1') == 1  # queued behind it
        await asyncio.sleep(0.05)
        assert received == [{'version': 1}]
        connection.writable.set()
        await eventually(lambda: len(received) == 3)
        assert received == [{'version': 1}, {'version': 2}, {'version': 3}]
