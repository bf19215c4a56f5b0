"""A browser-like load client: fetch the page, then connect NiceGUI's socket.io the way nicegui.js does.

One `Tab` is one browser tab of `/lists/<id>`: it records when each `tp_delta` arrives and which op ids it carries,
and sends what the ItemTable component would send (`op`, `focus` events). `run_worker` runs a set of tabs in one
process (so the load can be spread over processes and the generator is not the bottleneck).
"""
import asyncio
import json
import random
import re
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import socketio
import uvloop

ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)
CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
SOCKET_PATH = '/_nicegui_ws/socket.io'


@dataclass
class PageModel:
    client_id: str
    elements: dict[str, dict[str, Any]]
    raw_elements: str

    def listener(self, match: Callable[[dict[str, Any]], bool], event_type: str) -> tuple[int, str]:
        """The (element id, listener id) of the first element that matches and listens to `event_type`."""
        for element_id, element in self.elements.items():
            if match(element):
                for event in element.get('events', []):
                    if event['type'] == event_type:
                        return int(element_id), event['listener_id']
        raise LookupError(f'no element listens to {event_type!r}')

    def element(self, event_type: str) -> tuple[int, dict[str, Any]]:
        for element_id, element in self.elements.items():
            if any(e['type'] == event_type for e in element.get('events', [])):
                return int(element_id), element
        raise LookupError(event_type)


def page_model(html: str) -> PageModel:
    """Parse the client id and the elements (with their listeners) that NiceGUI embeds in the page."""
    raw = ELEMENTS.search(html)
    client = CLIENT_ID.search(html)
    if raw is None or client is None:
        raise ValueError(f'not a NiceGUI page: {html[:300]!r}')
    text = raw.group(1)
    decoded = (text.replace('&#36;', '$').replace('&#96;', '`').replace('&gt;', '>').replace('&lt;', '<')
               .replace('&amp;', '&'))
    return PageModel(client_id=client.group(1), elements=json.loads(decoded), raw_elements=text)


def socket_url(base_url: str, client_id: str) -> str:
    """The socket query nicegui.js sends: client id, a fresh document and tab id, implicit handshake."""
    query = {'client_id': client_id, 'next_message_id': 0, 'implicit_handshake': 'true',
             'document_id': str(uuid.uuid4()), 'tab_id': str(uuid.uuid4())}
    return f'{base_url}/?{urlencode(query)}'


@dataclass
class Tab:
    """One open tab of a list page."""
    index: int
    list_id: str
    cookie: str
    item_ids: list[str] = field(default_factory=list)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {packed, quantity}, kept current
    client_id: str = ''
    table_id: int = 0
    listeners: dict[str, str] = field(default_factory=dict)
    page_bytes: int = 0
    arrivals: list[tuple[str, float]] = field(default_factory=list)  # (op id, monotonic time)
    deltas: int = 0
    presence: int = 0
    other: int = 0  # NiceGUI's own messages (element updates, run_method, ...)
    socket_bytes: int = 0
    dropped: bool = False
    sio: Any = None

    async def open(self, http: Any, base_url: str, origin: str) -> None:
        await self.load_page(http, base_url)
        await self.connect(base_url, origin)

    async def load_page(self, http: Any, base_url: str) -> None:
        """GET the page and read what the socket side needs from it: client id, the item table and its items."""
        async with http.get(f'{base_url}/lists/{self.list_id}', headers={'Cookie': self.cookie}) as response:
            html = await response.text()
            assert response.status == 200, f'{response.status} {html[:200]}'
        self.page_bytes = len(html.encode())
        model = page_model(html)
        self.client_id = model.client_id
        self.table_id, table = model.element('op')
        self.listeners = {e['type']: e['listener_id'] for e in table['events']}
        self.items = {item['id']: {'packed': item['packed'], 'quantity': item['quantity']}
                      for item in table['props']['list']['items']}
        self.item_ids = list(self.items)

    async def connect(self, base_url: str, origin: str) -> None:
        # one aiohttp session per socket, as a browser tab has: sharing `http` made aiohttp close idle sockets
        # a browser offers permessage-deflate (Chromium always does); the server declines it (ws_per_message_deflate)
        self.sio = socketio.AsyncClient(reconnection=False, websocket_extra_options={'compress': 15})
        self.sio.on('tp_delta', self._on_delta)
        self.sio.on('tp_presence', self._on_presence)
        self.sio.on('disconnect', self._on_disconnect)
        self.sio.on('*', self._on_other)
        await self.sio.connect(socket_url(base_url, self.client_id), socketio_path=SOCKET_PATH,
                               transports=['websocket'], headers={'Cookie': self.cookie, 'Origin': origin},
                               wait_timeout=30)

    def _on_delta(self, message: dict[str, Any]) -> None:
        now = time.monotonic()
        self.deltas += 1
        for change in message['changes']:
            if op_id := change.get('op_id'):
                self.arrivals.append((op_id, now))

    def _on_presence(self, message: dict[str, Any]) -> None:
        self.presence += 1

    def _on_other(self, *_: Any) -> None:
        self.other += 1

    def _on_disconnect(self, *_: Any) -> None:
        self.dropped = True

    async def event(self, kind: str, payload: dict[str, Any]) -> None:
        """What `this.$emit(kind, payload)` in the ItemTable component sends over the socket."""
        await self.sio.emit('event', {'id': self.table_id, 'client_id': self.client_id,
                                      'listener_id': self.listeners[kind], 'args': [json.dumps(payload)]})

    async def edit(self, rng: random.Random, own: list[str]) -> tuple[str, float]:
        """Toggle packed or change the quantity of one of `own` items (only this tab edits them); (op id, sent).

        The new value always differs from the item's value on the server, so every op is a real change (a no-op
        makes no delta): like the table, the tab applies its own op at once and does not wait for the delta.
        """
        op_id = str(uuid.uuid4())
        item_id = rng.choice(own)
        now = self.items[item_id]
        if rng.random() < 0.5:
            fields: dict[str, Any] = {'packed': not now['packed']}
        else:
            fields = {'quantity': (now['quantity'] or 0) % 9 + 1}
        self.items[item_id] = {**now, **fields}
        op = {'op_id': op_id, 'type': 'item.update', 'id': item_id, 'fields': fields}
        sent = time.monotonic()
        await self.event('op', {'ops': [op]})
        return op_id, sent

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            self.sio.handlers['/'].pop('disconnect', None)  # a close we make is not a drop
            await self.sio.disconnect()


@dataclass
class WorkerPlan:
    """What one load process does: open these tabs, then edit / focus at these rates for `seconds`."""
    base_url: str
    origin: str
    tabs: list[tuple[str, str]]  # (list id, cookie)
    editors: list[int]  # indexes into `tabs` that edit
    editor_shares: list[int]  # per editor: which share of the list's items it edits (item index % editor_count)
    editor_count: int  # editors per list, over every process
    edits_per_s: float  # per editor
    focus_every_s: float  # 0: no focus events
    seconds: float
    seed: int = 1
    connect_concurrency: int = 20
    client: str = 'python'  # or 'node': bench/node/tabs.mjs holds the sockets (bench/node_client.py)
    arrivals: str = 'poisson'  # or 'periodic': when each editor sends (see `_edit_loop`)


async def _open_all(plan: WorkerPlan, http: Any) -> list[Tab]:
    tabs = [Tab(index=i, list_id=list_id, cookie=cookie) for i, (list_id, cookie) in enumerate(plan.tabs)]
    gate = asyncio.Semaphore(plan.connect_concurrency)

    async def one(tab: Tab) -> None:
        async with gate:
            await tab.open(http, plan.base_url, plan.origin)
    await asyncio.gather(*(one(tab) for tab in tabs))
    return tabs


async def _edit_loop(tab: Tab, rate: float, start: float, end: float, rng: random.Random,
                     sends: dict[str, float], own: list[str], arrivals: str) -> None:
    """Open loop: edits on a schedule made in advance, whatever the answers take. 'poisson': exponential gaps (people
    do not click in step); 'periodic': every 1/rate s after a random phase (fixed seeds fix the phases, so the same
    editors meet every period)."""
    def gap() -> float:
        return rng.expovariate(rate) if arrivals == 'poisson' else 1 / rate
    when = start + (gap() if arrivals == 'poisson' else rng.random() / rate)
    while when < end:
        await asyncio.sleep(max(0.0, when - time.monotonic()))
        if tab.dropped:
            return
        op_id, sent = await tab.edit(rng, own)
        sends[op_id] = sent
        when += gap()


async def _focus_loop(tab: Tab, every: float, start: float, end: float, rng: random.Random) -> None:
    when = start + rng.random() * every
    while when < end:
        await asyncio.sleep(max(0.0, when - time.monotonic()))
        if tab.dropped:
            return
        await tab.event('focus', {'item_id': rng.choice(tab.item_ids)})
        when += every * rng.uniform(0.8, 1.2)


async def _run(plan: WorkerPlan, ready: Any, go: Any) -> dict[str, Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        opened = time.monotonic()
        tabs = await _open_all(plan, http)
        ready.put(('ready', time.monotonic() - opened))
        loop = asyncio.get_running_loop()
        start = await loop.run_in_executor(None, go.get)
        end = start + plan.seconds
        rng = random.Random(plan.seed)
        sends: dict[str, float] = {}
        tasks = [_edit_loop(tabs[i], plan.edits_per_s, start, end, random.Random(rng.random()), sends,
                            tabs[i].item_ids[share::plan.editor_count], plan.arrivals)
                 for i, share in zip(plan.editors, plan.editor_shares, strict=True)]
        if plan.focus_every_s:
            tasks += [_focus_loop(tab, plan.focus_every_s, start, end, random.Random(rng.random())) for tab in tabs]
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        await asyncio.gather(*tasks)
        await asyncio.sleep(max(0.0, end - time.monotonic()) + 2.0)  # let the last deltas arrive
        records = [{'list_id': t.list_id, 'arrivals': t.arrivals, 'deltas': t.deltas, 'presence': t.presence,
                    'other': t.other, 'dropped': t.dropped} for t in tabs]
        result = {'seed': plan.seed, 'sends': sends, 'tabs': records}
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        return result


def run_worker(plan: WorkerPlan, ready: Any, go: Any, out: Any) -> None:
    """Process entry point: open the tabs, say 'ready', wait for the start time, load, send the records back."""
    from bench.common import raise_fd_limit  # a cycle at module level (common uses the page parser)

    raise_fd_limit()
    try:
        if plan.client == 'node':
            from bench.node_client import run_node  # it builds on this module's Tab

            out.put(('result', uvloop.run(run_node(plan, ready, go))))
        else:
            out.put(('result', uvloop.run(_run(plan, ready, go))))
    except Exception as error:  # report, do not hang the parent
        ready.put(('error', traceback.format_exc()))
        out.put(('error', repr(error)))
