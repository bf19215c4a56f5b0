"""The light load client: Python opens the pages, Node holds the sockets (bench/node/tabs.mjs).

python-socketio's client spends ~50-100 µs of Python on each message it receives, so with 100 tabs per process a
change reaching 200 tabs arrived at the last tab when the client process had worked through its sockets, not when
the server had written them. socket.io-client on Node speaks the same protocol for a fraction of that. The page load
and its parsing stay here (`Tab.load_page`, one parser for both clients); each parsed tab goes to Node at once, so a
tab connects right after its GET as before.
"""
import asyncio
import json
import shutil
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.tabs import SOCKET_PATH, Tab, WorkerPlan

NODE_DIR = Path(__file__).resolve().parent / 'node'
SCRIPT = NODE_DIR / 'tabs.mjs'


def node_missing() -> str:
    """Why the node client cannot run here, or '' when it can."""
    if shutil.which('node') is None:
        return 'node is not on PATH'
    if not (NODE_DIR / 'node_modules' / 'socket.io-client').is_dir():
        return 'bench/node/node_modules is missing (cd bench/node && npm ci)'
    return ''


def choose_client(asked: str) -> str:
    """`asked` ('node', 'python' or '' for the default: node when it can run, else python with a note)."""
    missing = node_missing()
    if asked == 'node' and missing:
        raise SystemExit(f'--client node: {missing}')
    if not asked:
        if missing:
            print(f'load client: python ({missing}; the node client is lighter)', flush=True)
            return 'python'
        return 'node'
    return asked


async def run_node(plan: WorkerPlan, ready: Any, go: Any) -> dict[str, Any]:
    """tabs.py's `_run` with the sockets in a node child process; returns the same records."""
    node = NodeTabs(await asyncio.create_subprocess_exec(
        shutil.which('node') or 'node', str(SCRIPT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        limit=1 << 30))  # the result is one line of a few MB
    try:
        before = time.monotonic()
        node.send({'plan': {'base_url': plan.base_url, 'origin': plan.origin, 'socket_path': SOCKET_PATH,
                            'edits_per_s': plan.edits_per_s, 'focus_every_s': plan.focus_every_s,
                            'seconds': plan.seconds, 'seed': plan.seed, 'arrivals': plan.arrivals}})
        clock = (await node.reply())['clock']
        after = time.monotonic()
        if not before <= clock <= after:  # arrivals are compared with send times taken in this clock
            raise RuntimeError(f"node's clock {clock:.6f} is not Python's monotonic clock ({before:.6f}..{after:.6f})")
        opened = time.monotonic()
        await _open_all(plan, node)
        ready.put(('ready', time.monotonic() - opened))
        start = await asyncio.get_running_loop().run_in_executor(None, go.get)
        node.send({'go': start})
        return await node.reply()
    finally:
        await node.stop()


async def _open_all(plan: WorkerPlan, node: 'NodeTabs') -> None:
    """Open every tab as tabs.py does, `connect_concurrency` at a time: GET and parse the page here, then have node
    connect its socket (the gate is held until it is connected, as in tabs.py)."""
    tabs = [Tab(index=i, list_id=list_id, cookie=cookie) for i, (list_id, cookie) in enumerate(plan.tabs)]
    shares = dict(zip(plan.editors, plan.editor_shares, strict=True))
    gate = asyncio.Semaphore(plan.connect_concurrency)

    async def one(tab: Tab) -> None:
        async with gate:
            await tab.load_page(http, plan.base_url)
            share = shares.get(tab.index)
            await node.connect({
                'index': tab.index, 'list_id': tab.list_id, 'cookie': tab.cookie, 'client_id': tab.client_id,
                'table_id': tab.table_id, 'listeners': tab.listeners, 'items': tab.items,
                'own': None if share is None else tab.item_ids[share::plan.editor_count]})
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        await asyncio.gather(*(one(tab) for tab in tabs))


class NodeTabs:
    """The node child process and its line protocol (see the top of tabs.mjs): a reader task routes each tab's
    `connected` to whoever waits for it and every other line to `reply()`."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.connecting: dict[int, asyncio.Future[None]] = {}
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reader = asyncio.create_task(self._read())

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b'\n')

    async def connect(self, tab: dict[str, Any]) -> None:
        """Hand node a parsed tab and wait until its socket is connected."""
        connected = self.connecting[tab['index']] = asyncio.get_running_loop().create_future()
        self.send({'tab': tab})
        await connected

    async def reply(self) -> dict[str, Any]:
        message = await self.replies.get()
        if 'error' in message:
            raise RuntimeError(f'node load client: {message["error"]}')
        return message

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        await self.reader

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            message = json.loads(line)
            if 'connected' in message:
                self.connecting.pop(message['connected']).set_result(None)
                continue
            if 'error' in message:
                self._fail(message['error'])
            await self.replies.put(message)
        code = await self.process.wait()
        if code:
            error = f'the node load client ended with exit code {code}; its stderr is above'
            self._fail(error)
            await self.replies.put({'error': error})

    def _fail(self, error: str) -> None:
        for waiting in self.connecting.values():
            if not waiting.done():
                waiting.set_exception(RuntimeError(f'node load client: {error}'))
        self.connecting.clear()
