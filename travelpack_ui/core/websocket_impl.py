"""Serve WebSockets with the `websockets` library's sans-I/O protocol instead of `wsproto`, able to take whole frames.

`ui.run` hard-wires uvicorn's `ws='wsproto'` (and refuses a `ws` argument). Every frame to every tab goes through
that implementation: wsproto builds an event object and frames in pure Python, about twice the CPU per frame of
`websockets`' protocol (which uvicorn also ships as `websockets-sansio`: same keepalive pings, same close codes,
permessage-deflate). uvicorn's HTTP protocol reads the WebSocket class from its config per connection, and the
server binds its socket only after the app's start-up, so choosing the class at start-up covers every socket.

A room sends the same message to hundreds of tabs. Server frames are not masked, so that message is the same bytes
on every connection: `FrameWriter.write_frame` puts a frame built once straight on the transport, instead of one
ASGI send per tab through every middleware's wrapper and a framing per tab (core/broadcast.py).

The protocol's own keepalive pings (`ws_ping_interval`) are what tell a silent API socket from a live one. A tab's
engine.io socket has engine.io's pings for that (the same heartbeat), so it does not get both: 200 open tabs sent
40 pings a second and read 40 pongs that nothing needed.
"""
from typing import Any

from nicegui.server import Server
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

SCOPE_KEY = 'travelpack.websocket'
"""Where the connection's protocol sits in its ASGI scope (engine.io keeps the scope in each socket's environ)."""
ENGINEIO_PATH = '/_nicegui_ws/'
"""Where NiceGUI mounts its socket.io (engine.io) app: the tabs' sockets, which engine.io pings itself."""


class FrameWriter(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, reachable from its scope, that writes ready-made frames too."""

    pinged_by_engineio = False

    async def run_asgi(self) -> None:
        scope: dict[str, Any] = self.scope  # type: ignore[assignment]
        scope[SCOPE_KEY] = self
        self.pinged_by_engineio = scope['path'].startswith(ENGINEIO_PATH)  # before NiceGUI's mount rewrites it
        await super().run_asgi()

    def start_keepalive(self) -> None:
        """The protocol's pings, except on an engine.io socket: engine.io pings it and closes it when it is silent."""
        if not self.pinged_by_engineio:
            super().start_keepalive()

    def write_frame(self, frame: bytes) -> bool:
        """Write a whole unmasked frame now, as `send` would; False (nothing written) when this connection is not
        open, is paused by a slow reader, or negotiated an extension that changes frames (permessage-deflate)."""
        if (self.disconnected or self.close_sent or not self.handshake_complete or not self.writable.is_set()
                or self.conn.state is not State.OPEN or self.conn.extensions or self.transport.is_closing()):
            return False
        self.transport.write(frame)
        return True


def text_frame(text: str) -> bytes:
    """One unfragmented, unmasked text frame: what every tab's connection would send for `text`."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


def use_websockets_sansio() -> None:
    """Call at start-up (`app.on_startup`); a no-op without a uvicorn server (NiceGUI's simulated `User`)."""
    server = getattr(Server, 'instance', None)
    if server is not None:
        server.config.ws_protocol_class = FrameWriter
