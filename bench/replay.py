"""An offline outbox of 500 ops replayed through a tab's socket, while other tabs of the list keep receiving changes.

    .venv/bin/python bench/replay.py              # 500 ops, 20 watching tabs, edits at 20/s (about a minute)
    .venv/bin/python bench/replay.py --ops 500 --tabs 50 --rate 20

A reopened tab sends its queue as the table does: `op` events of 200 ops each, all at once, and counts the acks
(`run_method('ack', ...)` over NiceGUI's socket). Meanwhile another tab of the list edits at `--rate` changes/s and
`--tabs` tabs watch: their change-to-tab latency (op sent → `tp_delta` carrying its op id) is reported for the
seconds before the replay and for the replay itself. The replay runs twice: fresh ops, then the same ops again (a
tab that reloaded before its acks arrived), which must all come back `duplicate`.
"""
import argparse
import asyncio
import random
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import command_line, create_list, server, sign_in, summary_ms
from bench.tabs import Tab

BATCH = 200  # ops per event, as the browser's outbox sends them
ACKED = re.compile(r'"op_id": ?"([^"]+)", ?"status": ?"(\w+)"')


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


async def edit_loop(editor: Tab, rate: float, stop: asyncio.Event, sent: dict[str, float]) -> None:
    rng = random.Random(7)
    own = editor.item_ids[:50]
    while not stop.is_set():
        op_id, at = await editor.edit(rng, own)
        sent[op_id] = at
        await asyncio.sleep(1 / rate)


def latencies(tabs: list[Tab], sent: dict[str, float], start: float, end: float) -> list[float]:
    return [at - sent[op_id] for tab in tabs for op_id, at in tab.arrivals
            if op_id in sent and start <= sent[op_id] < end]


async def main(args: argparse.Namespace) -> None:
    with server() as srv:
        owner = await sign_in(srv, 'replay@bench.example')
        plist = await create_list(srv, owner, 'Replay', args.items)
        async with aiohttp.ClientSession() as http:
            tabs = [Tab(index=i, list_id=plist['id'], cookie=owner.cookie) for i in range(args.tabs + 2)]
            for tab in tabs:
                await tab.open(http, srv.url, srv.origin)
            editor, replaying, watchers = tabs[0], tabs[1], tabs[2:]
            replayer = Replayer(replaying)
            acked: dict[str, float] = {}
            editor.sio.on('run_javascript', lambda m: acked.update(
                {op_id: time.monotonic() for op_id, _ in ACKED.findall(m.get('code', ''))}))
            sent: dict[str, float] = {}
            stop = asyncio.Event()
            editing = asyncio.create_task(edit_loop(editor, args.rate, stop, sent))
            before = time.monotonic()
            await asyncio.sleep(args.warmup)
            ops = offline_ops(args.ops, [i['id'] for i in plist['items']])
            replay_start = time.monotonic()
            fresh_s, fresh = await replayer.replay(ops)
            again_s, again = await replayer.replay(ops)
            replay_end = time.monotonic()
            await asyncio.sleep(1)  # the last edits' deltas arrive
            stop.set()
            await editing
            for tab in tabs:
                await tab.close()
    print(command_line())
    print(f'replay of {args.ops} ops in batches of {BATCH}: {fresh_s * 1000:.0f} ms to the last ack {fresh}')
    print(f'the same ops again:                  {again_s * 1000:.0f} ms to the last ack {again}')
    print(f'{args.tabs} watching tabs, edits at {args.rate}/s, change-to-tab latency:')
    print(f'  before the replay  {summary_ms(latencies(watchers, sent, before, replay_start))}')
    print(f'  during the replay  {summary_ms(latencies(watchers, sent, replay_start, replay_end))}')
    during = [acked[o] - t for o, t in sent.items() if o in acked and replay_start <= t < replay_end]
    print(f'  the editing tab\'s own acks during the replay (op path only)  {summary_ms(during)}')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ops', type=int, default=500)
    parser.add_argument('--items', type=int, default=100, help='items already on the list')
    parser.add_argument('--tabs', type=int, default=20, help='tabs that watch the list during the replay')
    parser.add_argument('--rate', type=float, default=20, help='changes/s another tab makes meanwhile')
    parser.add_argument('--warmup', type=float, default=3, help='seconds of edits before the replay')
    asyncio.run(main(parser.parse_args()))
