"""Serve WebSockets with the `websockets` library's sans-I/O protocol instead of `wsproto`.

`ui.run` hard-wires uvicorn's `ws='wsproto'` (and refuses a `ws` argument). Every frame to every tab goes through
that implementation: wsproto builds an event object and frames in pure Python, about twice the CPU per frame of
`websockets`' protocol (which uvicorn also ships as `websockets-sansio`: same keepalive pings, same close codes,
permessage-deflate). uvicorn's HTTP protocol reads the WebSocket class from its config per connection, and the
server binds its socket only after the app's start-up, so choosing the class at start-up covers every socket.
"""
from nicegui.server import Server
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


def use_websockets_sansio() -> None:
    """Call at start-up (`app.on_startup`); a no-op without a uvicorn server (NiceGUI's simulated `User`)."""
    server = getattr(Server, 'instance', None)
    if server is not None:
        server.config.ws_protocol_class = WebSocketsSansIOProtocol
