"""engine.io's per-socket writer: no task per packet, and an idle writer that a room may write past.

Each socket's writer in python-engineio (`AsyncSocket.poll`) waits for the next packet with `asyncio.wait_for`,
which on Python 3.11 wraps the wait in a new task every time: one task per message per tab, about a tenth of the
event loop's time when a list fans out to 200 tabs (py-spy, bench/fanout.py scenario b). `asyncio.timeout` bounds
the same wait without a task (Python 3.12's `wait_for` does just that). Same packets, order, timeout and ending.

A writer waiting on an empty queue has sent everything it was given, so a frame written straight on that
socket's connection now (core/broadcast.py) goes out in the same order as if it had been queued. Each socket
remembers its WebSocket connection (core/websocket_impl.py) when it takes the WebSocket transport.

What the writer sends (pings, NiceGUI's own messages, packets queued behind a busy writer) goes the same way as a
room's frames when it can: straight on the connection, not through an ASGI send and every middleware's wrapper
(none of which looks at a WebSocket message). A connection that cannot take a frame now (paused by a slow reader,
closing) gets the ASGI send as before, which waits; the writer sends one packet at a time, so order holds.

Upstream report to file (miguelgrinberg/python-engineio): "AsyncSocket.poll: use asyncio.timeout instead of
wait_for on Python >= 3.11". Once released, `poll` goes.
"""
import asyncio
from typing import Any

from engineio import exceptions
from engineio.async_drivers import asgi
from engineio.async_socket import AsyncSocket

from travelpack_ui.core.websocket_impl import SCOPE_KEY, FrameWriter, text_frame

_upgrade_websocket = AsyncSocket._upgrade_websocket


async def poll(self: AsyncSocket) -> list[Any]:
    """`AsyncSocket.poll` of python-engineio 4.x with the first wait bounded by `asyncio.timeout`."""
    try:
        self.writer_idle = True
        async with asyncio.timeout(self.server.ping_interval + self.server.ping_timeout):
            packets = [await self.queue.get()]
        self.queue.task_done()
    except (TimeoutError, asyncio.CancelledError):
        raise exceptions.QueueEmpty() from None
    finally:
        self.writer_idle = False
    if packets == [None]:
        return []
    while True:
        try:
            pkt = self.queue.get_nowait()
            self.queue.task_done()
            if pkt is None:
                self.queue.put_nowait(None)
                break
            packets.append(pkt)
        except asyncio.QueueEmpty:
            break
    return packets


async def upgrade_websocket(self: AsyncSocket, environ: dict[str, Any]) -> Any:
    """engine.io's own upgrade, the socket first remembering its connection (None under another server)."""
    self.connection = environ.get('asgi.scope', {}).get(SCOPE_KEY)
    return await _upgrade_websocket(self, environ)


def idle_connection(socket: AsyncSocket) -> FrameWriter | None:
    """The socket's WebSocket connection when its writer has sent all it was given, else None (queue instead)."""
    if getattr(socket, 'writer_idle', False) and not socket.upgrading and socket.queue.empty():
        connection: FrameWriter | None = socket.connection
        return connection
    return None  # a busy writer, or a socket made before `install`


class FrameSocket(asgi.WebSocket):
    """engine.io's ASGI WebSocket, writing text packets as whole frames on the connection when it can take them."""

    connection: FrameWriter | None = None

    async def __call__(self, environ: dict[str, Any]) -> Any:
        self.connection = environ.get('asgi.scope', {}).get(SCOPE_KEY)
        return await super().__call__(environ)

    async def send(self, message: str | bytes) -> None:
        if not (isinstance(message, str) and self.connection is not None
                and self.connection.write_frame(text_frame(message))):
            await super().send(message)


def install() -> None:
    AsyncSocket.writer_idle = False
    AsyncSocket.connection = None
    AsyncSocket.poll = poll
    AsyncSocket._upgrade_websocket = upgrade_websocket
    asgi._async['websocket'] = FrameSocket
