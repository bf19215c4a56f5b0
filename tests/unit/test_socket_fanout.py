"""The cheaper socket plumbing keeps engine.io's contract: a room message reaches each socket of the room once, in
queue order, encoded once; the writer's wait gives what was queued, ends on the close marker, and times out as
before. Real python-socketio and python-engineio objects, no network."""
import asyncio
from types import SimpleNamespace

import pytest
import socketio
from engineio import exceptions, packet
from engineio.async_socket import AsyncSocket

from travelpack_ui.core import engineio_poll
from travelpack_ui.core.broadcast import emit_to_room


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
    engineio_poll.install()
    socket = AsyncSocket(SimpleNamespace(ping_interval=5, ping_timeout=5, create_queue=asyncio.Queue), 's')
    first, second = packet.Packet(packet.MESSAGE, 'one'), packet.Packet(packet.MESSAGE, 'two')
    for item in (first, second, None):
        socket.queue.put_nowait(item)

    assert await socket.poll() == [first, second]
    assert await socket.poll() == []  # the marker stays for whoever polls next


async def test_the_writer_wait_times_out_as_engineio_s_own() -> None:
    engineio_poll.install()
    socket = AsyncSocket(SimpleNamespace(ping_interval=0.01, ping_timeout=0.01, create_queue=asyncio.Queue), 's')

    with pytest.raises(exceptions.QueueEmpty):
        await socket.poll()
