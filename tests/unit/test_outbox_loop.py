"""A page's outbox sleeps until it has something to send: what it queued without a socket goes out, in order, when
its socket connects; an idle outbox is not woken by a timer; `stop` ends it at once. NiceGUI's real `Outbox` with a
stand-in client and a recording `_emit`, no network."""
import asyncio
from typing import Any

import pytest
from nicegui import outbox as outbox_module
from nicegui.outbox import Outbox

from travelpack_ui.core import outbox_loop


class StandInClient:
    """What the outbox asks of its client; counts how often the outbox looked whether a socket is there."""

    def __init__(self, connected: bool) -> None:
        self.id = 'client-1'
        self.connected = connected
        self.looked = 0
        self.outbox: Outbox | None = None

    @property
    def has_socket_connection(self) -> bool:
        self.looked += 1
        return self.connected

    def check_existence(self) -> None:
        pass


class StandInElement:
    def __init__(self, id_: int) -> None:
        self.id = id_
        self.component = None

    def _to_dict(self) -> dict[str, Any]:
        return {'id': self.id}


@pytest.fixture(autouse=True)
def our_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Outbox, 'loop', outbox_loop.loop)
    monkeypatch.setattr(outbox_module.background_tasks, 'create_or_defer', _not_started)


def _not_started(coroutine: Any, *, name: str) -> None:
    coroutine.close()  # each test runs the loop itself


def outbox_of(client: StandInClient) -> tuple[Outbox, list[tuple[str, str, Any]]]:
    """A real Outbox, sending into a list instead of a socket."""
    outbox = Outbox(client)  # type: ignore[arg-type]
    client.outbox = outbox
    sent: list[tuple[str, str, Any]] = []

    async def emit(message: tuple[str, str, Any]) -> None:
        sent.append(message)
    outbox._emit = emit  # type: ignore[method-assign]
    return outbox, sent


async def test_what_a_page_queued_without_a_socket_goes_out_in_order_when_its_socket_connects() -> None:
    client = StandInClient(connected=False)
    outbox, sent = outbox_of(client)
    task = asyncio.create_task(outbox.loop())
    await asyncio.sleep(0)
    outbox.enqueue_message('run_javascript', {'code': 'first()'}, client.id)
    outbox.enqueue_message('run_javascript', {'code': 'second()'}, client.id)

    await asyncio.sleep(0.35)
    assert sent == []
    assert client.looked <= 2  # NiceGUI's own loop looks again every 0.1 s while the socket is away

    client.connected = True
    outbox_loop.wake_on_connect(client)  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    assert [data['code'] for _, _, data in sent] == ['first()', 'second()']
    outbox.stop()
    await asyncio.wait_for(task, 1)


async def test_an_idle_outbox_sleeps_until_something_is_queued_and_sends_updates_before_messages() -> None:
    client = StandInClient(connected=True)
    outbox, sent = outbox_of(client)
    task = asyncio.create_task(outbox.loop())
    await asyncio.sleep(0.01)
    looked = client.looked

    await asyncio.sleep(1.2)
    assert client.looked == looked and sent == []
    waits = [t for t in asyncio.all_tasks() if getattr(t.get_coro(), '__qualname__', '') == 'Event.wait']
    assert waits == []  # NiceGUI's own loop waits in a task of its own, which a timer ends every second

    element = StandInElement(7)
    outbox.enqueue_message('notify', {'message': 'hello'}, client.id)
    outbox.enqueue_update(element)  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    assert [(kind, data) for _, kind, data in sent] == [('update', {7: {'id': 7}}), ('notify', {'message': 'hello'})]
    outbox.stop()
    await asyncio.wait_for(task, 1)


async def test_stop_ends_the_loop_at_once() -> None:
    outbox, _ = outbox_of(StandInClient(connected=True))
    task = asyncio.create_task(outbox.loop())
    await asyncio.sleep(0.01)

    outbox.stop()
    await asyncio.wait_for(task, 0.1)
