"""An offline outbox of 500 ops replayed through a tab's socket, while other tabs of the list keep receiving changes.

    .venv/bin/python bench/replay.py              # 500 ops, 20 watching tabs, edits at 20/s (about a minute)
    .venv/bin/python bench/replay.py --ops 500 --tabs 50 --rate 20

A reopened tab sends its queue as the table does: `op` events of 200 ops each, all at once, and counts the acks
(`run_method('ack', ...)` over NiceGUI's socket). Meanwhile one more tab of the list edits at `--rate` changes/s and
`--tabs` tabs watch, driven like fanout.py's (the Node load client once `npm ci` ran in bench/node, so the watchers'
own decoding of the replay's large deltas is not counted as the server's): their change-to-tab latency (op sent →
`tp_delta` carrying its op id, over every tab, the editing one included) is reported for the seconds before the
replay and for the replay itself. The replay runs twice: fresh ops, then the same ops again (a tab that reloaded
before its acks arrived), which must all come back `duplicate`.
"""
import argparse
import asyncio
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Server, command_line, server, summary_ms
from bench.fanout import Load, clients_of, run_load, setup
from bench.node_client import choose_client
from bench.tabs import Tab

BATCH = 200  # ops per event, as the browser's outbox sends them
ACKED = re.compile(r'"op_id": ?"([^"]+)", ?"status": ?"(\w+)"')
AFTER_S = 3.0  # the load goes on this long after the replay began


def offline_ops(count: int, item_ids: list[str]) -> list[dict[str, Any]]:
    """A queue as a person makes it offline: creates (client ids), updates of new and old items, deletes."""
    ops: list[dict[str, Any]] = []
    created: list[str] = []
    while len(ops) < count:
        kind = len(ops) % 5
        if kind in (0, 1) or not created:
            created.append(str(uuid.uuid4()))
            ops.append({'type': 'item.create', 'id': created[-1], 'fields': {'name': f'Offline item {len(ops)}'}})
        elif kind == 2:
            ops.append({'type': 'item.update', 'id': created[-1], 'fields': {'quantity': 2, 'packed': True}})
        elif kind == 3:
            ops.append({'type': 'item.update', 'id': item_ids[len(ops) % len(item_ids)],
                        'fields': {'notes': f'offline note {len(ops)}'}})
        else:
            ops.append({'type': 'item.delete', 'id': created.pop(0)})
    for op in ops:
        op['op_id'] = str(uuid.uuid4())
    return ops


class Replayer:
    """A reopened tab that sends its outbox and waits for every op to be answered."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab
        self.answers: dict[str, str] = {}
        self.done = asyncio.Event()
        self.expected: set[str] = set()
        tab.sio.on('run_javascript', self._on_js)

    def _on_js(self, message: dict[str, Any]) -> None:
        code = message.get('code', '')
        if '"ack"' not in code:
            return
        for op_id, status in ACKED.findall(code):
            self.answers[op_id] = status
        if self.expected <= self.answers.keys():
            self.done.set()

    async def replay(self, ops: list[dict[str, Any]]) -> tuple[float, dict[str, int]]:
        self.answers, self.expected = {}, {op['op_id'] for op in ops}
        self.done.clear()
        started = time.monotonic()
        for start in range(0, len(ops), BATCH):
            await self.tab.event('op', {'ops': ops[start:start + BATCH]})
        await asyncio.wait_for(self.done.wait(), 120)
        took = time.monotonic() - started
        counts: dict[str, int] = {}
        for op_id in self.expected:
            counts[self.answers[op_id]] = counts.get(self.answers[op_id], 0) + 1
        return took, counts


def latencies(run: dict[str, Any], start: float, end: float) -> list[float]:
    """Op sent → delta at a tab, for every tab and every change sent in [start, end)."""
    sent = {op_id: at for result in run['results'] for op_id, at in result['sends'].items() if start <= at < end}
    return [at - sent[op_id] for result in run['results'] for tab in result['tabs']
            for op_id, at in tab['arrivals'] if op_id in sent]


async def replay_during(srv: Server, load: Load, args: argparse.Namespace) -> dict[str, Any]:
    """Run the load (in a thread: it drives client processes) and, `--warmup` seconds into it, the replay."""
    list_id, cookie = load.tabs[0]
    async with aiohttp.ClientSession() as http:
        tab = Tab(index=len(load.tabs), list_id=list_id, cookie=cookie)
        await tab.open(http, srv.url, srv.origin)
        replayer = Replayer(tab)
        loop = asyncio.get_running_loop()
        started: asyncio.Future[float] = loop.create_future()

        def on_start(at: float) -> None:  # called in the load's thread
            loop.call_soon_threadsafe(started.set_result, at)
        running = asyncio.ensure_future(asyncio.to_thread(run_load, srv, load, args.procs, client=args.client,
                                                          on_start=on_start))
        waiting: set[asyncio.Future[Any]] = {started, running}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if running.done():  # the load failed before it started
            running.result()
        await asyncio.sleep(max(0.0, started.result() + args.warmup - time.monotonic()))
        ops = offline_ops(args.ops, tab.item_ids)
        replay_start = time.monotonic()
        fresh_s, fresh = await replayer.replay(ops)
        again_s, again = await replayer.replay(ops)
        replay_end = time.monotonic()
        run = await running
        await tab.close()
    return {'run': run, 'fresh': (fresh_s, fresh), 'again': (again_s, again), 'load_start': started.result(),
            'replay': (replay_start, replay_end)}


def main(args: argparse.Namespace) -> None:
    with server() as srv:
        tabs = asyncio.run(setup(srv, users=1, lists=1, items=args.items, tabs_per_list=args.tabs + 1,
                                 shared=False))
        # periodic, as its figures were measured: its one editor meets nobody in step
        load = Load('replay', tabs, editors=[0], changes_per_s=args.rate, lists=1, focus_every_s=0,
                    seconds=args.warmup + AFTER_S, arrivals='periodic')
        measured = asyncio.run(replay_during(srv, load, args))
    run, (replay_start, replay_end) = measured['run'], measured['replay']
    (fresh_s, fresh), (again_s, again) = measured['fresh'], measured['again']
    print(command_line())
    print(f'replay of {args.ops} ops in batches of {BATCH}: {fresh_s * 1000:.0f} ms to the last ack {fresh}')
    print(f'the same ops again:                  {again_s * 1000:.0f} ms to the last ack {again}')
    print(f'{args.tabs} watching tabs and the editing one, edits at {args.rate:g}/s, change-to-tab latency '
          f'({clients_of(run)}):')
    before = latencies(run, measured['load_start'], replay_start)
    during = latencies(run, replay_start, replay_end)
    print(f'  before the replay  {summary_ms(before)}  ({len(before)} deliveries)')
    print(f'  during the replay  {summary_ms(during)}  ({len(during)} deliveries)')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ops', type=int, default=500)
    parser.add_argument('--items', type=int, default=100, help='items already on the list')
    parser.add_argument('--tabs', type=int, default=20, help='tabs that watch the list during the replay')
    parser.add_argument('--rate', type=float, default=20, help='changes/s another tab makes meanwhile')
    parser.add_argument('--warmup', type=float, default=3, help='seconds of edits before the replay')
    parser.add_argument('--procs', type=int, default=1, help='client processes for the watching and editing tabs')
    parser.add_argument('--client', choices=['node', 'python'], default='',
                        help='what drives the watching tabs: node (the default once `npm ci` ran in bench/node) '
                             'or python')
    arguments = parser.parse_args()
    arguments.client = choose_client(arguments.client)
    main(arguments)
