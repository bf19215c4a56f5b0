"""NiceGUI's per-page outbox, woken when there is something to send instead of polling for it.

NiceGUI 3.x's `Outbox.loop` wakes every page's outbox once a second (`asyncio.wait_for(..., timeout=1.0)`, which on
Python 3.11 also makes a task and a waiter each time), and a page whose socket is gone (a phone in a tunnel, kept for
`reconnect_timeout`) with anything queued checks again every 0.1 s. With 200 open tabs that was about 650 wake-ups a
second, the largest kind of the event loop's callbacks (bench/fanout.py scenario b at 0.5 changes/s, counted by
kind); the idle server took 1–3 % of a core less without them (README, Performance). The outbox only has work
when something is queued (every `enqueue_*` sets its event), when it must stop (`stop` sets it too) or when its
page's socket connects (`wake_on_connect` sets it then). Same messages, same order, same error handling.

Upstream report to file (zauberzeug/nicegui): "Outbox.loop: wait for the enqueue event without a timeout, and for
the socket instead of polling every 0.1 s".
"""
import asyncio

from nicegui import Client, core
from nicegui.app import App
from nicegui.dependencies import JsComponent
from nicegui.outbox import Deleted, Outbox, deleted


async def loop(self: Outbox) -> None:
    """`Outbox.loop` of NiceGUI 3.x, asleep until its event is set."""
    self._enqueue_event = event = asyncio.Event()
    event.set()
    while not self._should_stop:
        await event.wait()
        event.clear()
        if self._should_stop:
            break
        try:
            client = self.client
            if client.has_socket_connection:
                await _send_queued(self, client)
        except Exception as e:  # as NiceGUI's loop: report it and keep the page's outbox alive
            core.app.handle_exception(e)


async def _send_queued(self: Outbox, client: Client) -> None:
    """Send the queued element updates, then the queued messages, each an awaited emit (NiceGUI's own body)."""
    coros = []
    if self.updates:
        data = {element_id: None if element is deleted else element._to_dict()  # type: ignore[union-attr]
                for element_id, element in self.updates.items()}
        js_components = [component for element in self.updates.values()
                         if not isinstance(element, Deleted)
                         and isinstance((component := element.component), JsComponent)
                         and component.name not in self._loaded_components]
        if js_components:
            coros.append(self._emit((client.id, 'load_js_components', {
                'components': [{'key': c.key, 'tag': c.tag} for c in js_components],
            })))
            self._loaded_components.update(c.name for c in js_components)
        coros.append(self._emit((client.id, 'update', data)))
        self.updates.clear()
    if self.messages:
        coros.extend(self._emit(message) for message in self.messages)
        self.messages.clear()
    for coro in coros:
        try:
            await coro
        except Exception as e:
            core.app.handle_exception(e)


def wake_on_connect(client: Client) -> None:
    """What a page queued while it had no socket goes out when one connects."""
    client.outbox._set_enqueue_event()


def install(app: App) -> None:
    Outbox.loop = loop  # type: ignore[method-assign]
    app.on_connect(wake_on_connect)
