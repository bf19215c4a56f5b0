"""The cheaper socket plumbing keeps engine.io's contract: a room message reaches each socket of the room once, in
queue order, encoded once; the writer's wait gives what was queued, ends on the close marker, and times out as
before. Real python-socketio and python-engineio objects, no network."""
import asyncio
from types import SimpleNamespace

import pytest
import socketio
from engineio import exceptions, packet
from engineio.async_socket import AsyncSocket

from travelpack_ui.core import engineio_writer
from travelpack_ui.core.broadcast import emit_to_room
from travelpack_ui.core.websocket_impl import text_frame


def server_with(sids: list[str]) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(async_mode='asgi')
    for n, sid in enumerate(sids):
        eio_sid = f'eio-{n}'
        sio.eio.sockets[eio_sid] = AsyncSocket(sio.eio, eio_sid)
        sio.manager.basic_enter_room(sid, '/', 'list-1', eio_sid=eio_sid)
    return sio


async def test_a_room_message_is_queued_once_on_each_socket_of_the_room() -> None:
    sio = server_with(['a', 'b'])
    sio.eio.sockets['eio-9'] = AsyncSocket(sio.eio, 'eio-9')  # connected, but not in the room

    assert emit_to_room(sio, 'tp_delta', {'version': 3}, 'list-1') == 2

    sent = [sio.eio.sockets[s].queue.get_nowait() for s in ('eio-0', 'eio-1')]
    assert sent[0] is sent[1]  # one packet, encoded once for everyone
    assert sent[0].encode() == '42["tp_delta",{"version":3}]'
    assert sio.eio.sockets['eio-9'].queue.empty()
    assert emit_to_room(sio, 'tp_delta', {}, 'nobody-here') == 0


async def test_a_closed_socket_is_skipped() -> None:
    sio = server_with(['a', 'b'])
    sio.eio.sockets['eio-0'].closed = True

    assert emit_to_room(sio, 'tp_presence', {'users': []}, 'list-1') == 1
    assert sio.eio.sockets['eio-0'].queue.empty()


async def test_the_writer_gets_everything_queued_in_order_and_stops_at_the_close_marker() -> None:
    engineio_writer.install()
    socket = AsyncSocket(SimpleNamespace(ping_interval=5, ping_timeout=5, create_queue=asyncio.Queue), 's')
    first, second = packet.Packet(packet.MESSAGE, 'one'), packet.Packet(packet.MESSAGE, 'two')
    for item in (first, second, None):
        socket.queue.put_nowait(item)

    assert await socket.poll() == [first, second]
    assert await socket.poll() == []  # the marker stays for whoever polls next


async def test_the_writer_wait_times_out_as_engineio_s_own() -> None:
    engineio_writer.install()
    socket = AsyncSocket(SimpleNamespace(ping_interval=0.01, ping_timeout=0.01, create_queue=asyncio.Queue), 's')

    with pytest.raises(exceptions.QueueEmpty):
        await socket.poll()


class Connection:
    """Stands in for the tab's WebSocket connection (core/websocket_impl.py FrameWriter): records the frames."""

    def __init__(self, *, open_: bool = True) -> None:
        self.open = open_
        self.frames: list[bytes] = []

    def write_frame(self, frame: bytes) -> bool:
        if self.open:
            self.frames.append(frame)
        return self.open


def idle(socket: AsyncSocket, connection: Connection) -> None:
    socket.writer_idle, socket.connection = True, connection


async def test_an_idle_writer_s_tab_gets_one_frame_built_once_for_all_the_room() -> None:
    engineio_writer.install()
    sio = server_with(['a', 'b'])
    first, second = Connection(), Connection()
    idle(sio.eio.sockets['eio-0'], first)
    idle(sio.eio.sockets['eio-1'], second)

    assert emit_to_room(sio, 'tp_delta', {'version': 3}, 'list-1') == 2

    assert first.frames == [text_frame('42["tp_delta",{"version":3}]')]
    assert first.frames[0] is second.frames[0]
    assert first.frames[0][:2] == b'\x81\x1c'  # final text frame, 28 bytes, not masked
    assert sio.eio.sockets['eio-0'].queue.empty() and sio.eio.sockets['eio-1'].queue.empty()


async def test_a_tab_with_something_unsent_gets_the_message_queued_behind_it() -> None:
    engineio_writer.install()
    sio = server_with(['busy', 'waiting', 'paused'])
    busy, waiting, paused = (sio.eio.sockets[f'eio-{n}'] for n in range(3))
    idle(busy, Connection())
    busy.writer_idle = False  # its writer is sending what it took
    idle(waiting, Connection())
    earlier = packet.Packet(packet.MESSAGE, 'earlier')
    waiting.queue.put_nowait(earlier)  # put, the writer not woken yet
    idle(paused, Connection(open_=False))  # a slow reader: the transport is paused

    assert emit_to_room(sio, 'tp_delta', {'version': 4}, 'list-1') == 3

    assert [busy.queue.get_nowait().encode()] == ['42["tp_delta",{"version":4}]']
    assert [waiting.queue.get_nowait(), waiting.queue.get_nowait().encode()] == [
        earlier, '42["tp_delta",{"version":4}]']
    assert paused.queue.get_nowait().encode() == '42["tp_delta",{"version":4}]'
    assert not waiting.connection.frames


async def test_the_writer_is_idle_only_while_it_waits_on_an_empty_queue() -> None:
    engineio_writer.install()
    socket = AsyncSocket(SimpleNamespace(ping_interval=5, ping_timeout=5, create_queue=asyncio.Queue), 's')
    socket.connection = Connection()
    assert engineio_writer.idle_connection(socket) is None  # the writer has not started

    waiting = asyncio.create_task(socket.poll())
    await asyncio.sleep(0)
    assert engineio_writer.idle_connection(socket) is socket.connection
    socket.queue.put_nowait(packet.Packet(packet.MESSAGE, 'one'))
    assert engineio_writer.idle_connection(socket) is None  # queued, not sent yet
    assert [p.data for p in await waiting] == ['one']
    assert engineio_writer.idle_connection(socket) is None  # sending what it took
