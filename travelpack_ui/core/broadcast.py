"""One socket.io message to every socket of a room, encoded and framed once, written straight where it can be.

python-socketio's `AsyncServer.emit(..., room=...)` encodes once too, but then creates an asyncio task per
recipient to put the packet on that socket's engine.io queue; the socket's writer then sends it through an ASGI
send per tab (three middleware wrappers and a WebSocket framing each). Here the frame is built once and written on
each tab's connection directly when its writer is idle (nothing it was given is still unsent, so order holds);
any other socket gets the packet queued in place, and its own writer sends it in queue order, as before. A socket
whose pings timed out is closed by engine.io's ping loop, as for any other message.
"""
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from travelpack_ui.core.engineio_writer import idle_connection
from travelpack_ui.core.websocket_impl import text_frame

NAMESPACE = '/'


def emit_to_room(sio: socketio.AsyncServer, event: str, data: Any, room: str) -> int:
    """Send `event` with `data` to every socket in `room` (default namespace); returns how many got it."""
    participants = sio.manager.rooms.get(NAMESPACE, {}).get(room)
    if not participants:
        return 0
    encoded = sio.packet_class(sio_packet.EVENT, namespace=NAMESPACE, data=[event, data]).encode()
    message = eio_packet.Packet(eio_packet.MESSAGE, encoded)
    frame: bytes | None = None
    sent = 0
    for eio_sid in list(participants.values()):
        socket = sio.eio.sockets.get(eio_sid)
        if socket is None or socket.closed:
            continue
        sent += 1
        connection = idle_connection(socket)
        if connection is not None:
            if frame is None:
                frame = text_frame(message.encode())
            if connection.write_frame(frame):
                continue
        socket.queue.put_nowait(message)
    return sent
