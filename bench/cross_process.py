"""Two processes on one PostgreSQL: a change made through one reaches the tabs of the other (issue 10).

    .venv/bin/python bench/cross_process.py                 # 100 tabs on each of two processes, one list, 20 changes/s
    .venv/bin/python bench/cross_process.py --tabs 100 --rate 20 --seconds 25 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Tabs connect like browsers (bench/tabs.py), half of them to each process; 10 of them edit (half on each process)
at `--rate` changes/s in total. Latency = from the `op` event to a tab's `tp_delta` carrying that op id, split into
deliveries inside the process that wrote the change (the in-process fast path) and across processes (PostgreSQL's
NOTIFY, then the change log). "Once" counts, per tab and change, how many deltas carried it: every change must reach
every tab exactly once. A fresh database is made beside the given one and dropped afterwards.
"""
import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import command_line, server, summary_ms
from bench.fanout import Load, clients_of, run_load, setup, warmup_line
from bench.node_client import choose_client
from tests.support.live import sibling_database

SECRET = 'one secret for every process of the benchmark'


def report(load: Load, run: dict[str, Any]) -> str:
    sender: dict[str, int] = {}
    sent: dict[str, float] = {}
    for result in run['results']:
        for op_id, at in result['sends'].items():
            sent[op_id], sender[op_id] = at, result['server']
    local: list[float] = []
    cross: list[float] = []
    received: dict[tuple[int, str], int] = {}  # (tab, op id) -> deltas that carried it
    tabs = 0
    for result in run['results']:
        for tab in result['tabs']:
            tabs += 1
            for op_id, at in tab['arrivals']:
                if op_id not in sent:
                    continue
                received[(tabs, op_id)] = received.get((tabs, op_id), 0) + 1
                (local if sender[op_id] == result['server'] else cross).append(at - sent[op_id])
    twice = sum(1 for count in received.values() if count > 1)
    missing = tabs * len(sent) - len(received)
    return '\n'.join([
        f'{load.title}: {tabs} tabs on 2 processes, {len(sent)} changes in {load.seconds:.0f} s '
        f'({load.arrivals} arrivals)',
        f'  same process   {summary_ms(local)}  ({len(local)} deliveries)',
        f'  across         {summary_ms(cross)}  ({len(cross)} deliveries, through PostgreSQL)',
        f'  once           {len(received)} of {tabs * len(sent)} (tab, change) pairs delivered; '
        f'{twice} twice, {missing} never',
        f'  servers        CPU {run["cpu"] * 100:.0f} % together (100 % = one core); '
        f'clients {run["clients_cpu"] * 100:.0f} % ({clients_of(run)})',
        *warmup_line(load, run),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--database-url', default='postgresql+psycopg://postgres@127.0.0.1:5432/test',
                        help='a PostgreSQL server to make the benchmark database on')
    parser.add_argument('--tabs', type=int, default=100, help='tabs on each process')
    parser.add_argument('--rate', type=float, default=20, help='changes per second, in total')
    parser.add_argument('--editors', type=int, default=10)
    parser.add_argument('--seconds', type=float, default=25)
    parser.add_argument('--procs', type=int, default=2, help='client processes per server process')
    parser.add_argument('--dump', default='', help='write the raw send and arrival times here')
    parser.add_argument('--warmup', type=float, default=2.0,
                        help='seconds of the same load before the measured ones, kept out of the figures')
    parser.add_argument('--arrivals', choices=['poisson', 'periodic'], default='poisson',
                        help="when editors send: exponential gaps (default), or every 1/rate s after a random phase")
    parser.add_argument('--client', choices=['node', 'python'], default='',
                        help='what drives the tabs: node (the default once `npm ci` ran in bench/node) or python')
    args = parser.parse_args()
    args.client = choose_client(args.client)
    with sibling_database(args.database_url) as url:
        env = {'TRAVELPACK_DATABASE_URL': url, 'TRAVELPACK_SECRET_KEY': SECRET}
        with server(env) as one, server(env) as two:
            tabs = asyncio.run(setup(one, users=args.editors, lists=1, items=100, tabs_per_list=2 * args.tabs,
                                     shared=True))
            load = Load(f'{args.rate:g} changes/s, {args.editors} editors', tabs, editors=list(range(args.editors)),
                        changes_per_s=args.rate, lists=1, focus_every_s=0, seconds=args.seconds,
                        arrivals=args.arrivals, warmup_s=args.warmup)
            run = run_load(one, load, 2 * args.procs, others=(two,), client=args.client)
            if args.dump:
                Path(args.dump).write_text(json.dumps({'title': load.title, 'pids': [one.process.pid, two.process.pid],
                                                       **run}))
            lines = [report(load, run), *[f'  {line}' for srv in (one, two) for line in srv.errors()[:10]]]
    print(f'\n$ {command_line()}\n' + '\n'.join(lines))


if __name__ == '__main__':
    main()
