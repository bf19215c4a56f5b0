"""A NiceGUI page is driven only by the socket that did its handshake (a guard around NiceGUI's socket.io handlers).

NiceGUI 3.18 looks a page up by the `client_id` *inside* each `event`, `javascript_response`, `ack` and `log`
message and never asks whether the sending socket is the one bound to that page. Anyone who learns a page's
client id (it used to be in the access log) could connect without a cookie or an Origin and click the page's
buttons, or send the item table's `op` event, as the person who opened it. NiceGUI's handshake enters the socket
into a socket.io room named after the client id, so "the sender is in the page's room" is the binding we check.

Upstream report to file (zauberzeug/nicegui): "Socket messages naming a client_id are accepted from any socket:
`_on_event`, `_on_javascript_response`, `_on_ack` and `_on_log` in nicegui.py should check that `sid` is one of
the client's handshaken sockets (`sid in client._socket_to_document_id`) before dispatching". Once that is
fixed upstream, this module and its one call in `main.py` go.

A page's browser sends nothing before its handshake (NiceGUI handshakes inside `connect`, before socket.io flushes
anything it buffered, and `did_handshake` gates events), and the item table resends unacknowledged ops on every
connect; so dropping a message from an unbound socket loses nothing a legitimate page meant.
"""
import logging
from collections.abc import Callable
from typing import Any

import socketio
from nicegui import nicegui as nicegui_module

log = logging.getLogger(__name__)

GUARDED = ('event', 'javascript_response', 'ack', 'log')
"""Every message a browser sends that names a page by its `client_id`."""
TEST_SOCKET_PREFIX = 'test-'
"""NiceGUI's simulated `User` handshakes with these ids and never enters a room (engine.io never makes such an id)."""
NOISY_AFTER = 10
"""Drops logged at WARNING per socket; after that at DEBUG, so that a flood cannot fill the log."""


class SocketGuard:
    """Re-registers NiceGUI's page-message handlers on `sio`, each behind the "sent by the bound socket" check.

    It wraps NiceGUI's own module functions (not whatever `sio` holds now), so installing it again, as NiceGUI's
    test harness does when it re-runs `main.py`, does not stack guards.
    """

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio
        self.dropped: dict[str, int] = {}
        """Messages dropped per socket id (for the log's rate; forgotten when the socket disconnects)."""

    def install(self) -> None:
        originals: dict[str, Callable[[str, Any], Any]] = {
            'event': nicegui_module._on_event,  # NiceGUI's own handlers, guarded
            'javascript_response': nicegui_module._on_javascript_response,
            'ack': nicegui_module._on_ack,
            'log': nicegui_module._on_log,
        }
        for name in GUARDED:
            self.sio.on(name, self._guarded(name, originals[name]))
        self.sio.on('disconnect', self._on_disconnect)

    def bound(self, sid: str, msg: Any) -> bool:
        """Whether `sid` may speak for the page that `msg` names: the handshake put it in that page's room."""
        if not isinstance(msg, dict) or not isinstance(msg.get('client_id'), str):
            return False
        if sid.startswith(TEST_SOCKET_PREFIX):
            return True
        # a look-up in that one room: `sio.rooms(sid)` walks every room of the process (two per open tab) per message
        return sid in self.sio.manager.rooms.get('/', {}).get(msg['client_id'], ())

    def _guarded(self, name: str, handler: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
        def guarded(sid: str, msg: Any) -> Any:
            if self.bound(sid, msg):
                return handler(sid, msg)
            self._log_drop(sid, name)
            return None
        guarded.__name__ = f'guarded_{name}'
        return guarded

    def _log_drop(self, sid: str, name: str) -> None:
        count = self.dropped.get(sid, 0) + 1
        self.dropped[sid] = count
        level = logging.WARNING if count <= NOISY_AFTER else logging.DEBUG
        environ = self.sio.get_environ(sid) or {}
        log.log(level, 'Dropped a socket %r message from %s: that socket is not bound to the page it names',
                name, environ.get('REMOTE_ADDR', 'an unknown address'))

    def _on_disconnect(self, sid: str, *args: Any) -> None:
        self.dropped.pop(sid, None)
        nicegui_module._on_disconnect(sid)
